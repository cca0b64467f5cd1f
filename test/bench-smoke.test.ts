import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { infra } from '@hookline/testing';
import { afterAll, describe, expect, it } from 'vitest';

/** Runs a bench script with Node 24 until it exits (interrupted after `killAfterMs`); its exit code must be 0. */
async function runScript(args: string[], killAfterMs: number, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const killer = setTimeout(() => child.kill('SIGINT'), killAfterMs);
  try {
    const [code] = await once(child, 'exit');
    expect(code, output).toBe(0);
  } finally {
    clearTimeout(killer);
    if (child.exitCode === null) child.kill('SIGKILL');
  }
  return output;
}

/** Runs `bench/run.ts` at smoke size for `scenarios`, against the test infrastructure; returns its results file and output. */
async function runBench(dir: string, name: string, scenarios: string): Promise<{ results: any; output: string }> {
  const out = join(dir, `${name}.json`);
  const { kafkaBrokers, databaseUrl, schemaRegistryUrl } = infra();
  const output = await runScript(['bench/run.ts', '--size', 'smoke', '--scenarios', scenarios, '--no-markdown', '--out', out], 280_000, {
    // The run's registry, wherever it runs (on a free port when 8085 was taken by something else).
    ...process.env, KAFKA_BROKERS: kafkaBrokers, DATABASE_URL: databaseUrl, ...(schemaRegistryUrl ? { SCHEMA_REGISTRY_URL: schemaRegistryUrl } : {}),
  });
  return { results: JSON.parse(readFileSync(out, 'utf8')), output };
}

// Checks only that the benchmark harness works end to end (processes start, load flows, figures and the results
// file are written, everything stops). Never asserts speed: timings live in bench/RESULTS.md.
describe('benchmark harness (smoke sizes)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hookline-bench-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs the tracing micro-benchmark: CPU per hop with tracing off, not sampled and sampled', { timeout: 120_000 }, async () => {
    const output = await runScript(['bench/tracing-cost.ts', '2000'], 100_000);
    const result = JSON.parse(output.trim().split('\n').at(-1)!);
    expect(result.hops).toBe(2000);
    for (const mode of ['tracingOff', 'notSampled', 'sampled']) expect(result.cpuUsPerHop[mode], output).toBeGreaterThan(0);
  });

  it('runs end-to-end and baseline, writes results with deliveries > 0', { timeout: 300_000 }, async () => {
    const { results, output } = await runBench(dir, 'smoke', 'end-to-end,baseline');
    expect(results.meta.size).toBe('smoke');
    const byName = Object.fromEntries(results.runs.map((r: { scenario: string }) => [r.scenario, r]));
    for (const name of ['end-to-end', 'baseline']) {
      expect(byName[name].error, output).toBeUndefined();
      expect(byName[name].metrics.deliveries_per_s).toBeGreaterThan(0);
      expect(byName[name].processes.ingest.peakRssMiB).toBeGreaterThan(0);
    }
    expect(byName['end-to-end'].processes.dispatcher.cpuSeconds).toBeGreaterThan(0);
    expect(byName['end-to-end'].lag.length).toBe(3);
  });

  it.skipIf(!infra().schemaRegistryUrl)('runs the straight-to-Kafka scenarios, JSON and Avro through the schema registry, with deliveries > 0', { timeout: 300_000 }, async () => {
    const { results, output } = await runBench(dir, 'direct', 'kafka-json,kafka-avro');
    for (const name of ['kafka-json', 'kafka-avro']) {
      const run = results.runs.find((r: { scenario: string }) => r.scenario === name);
      expect(run.error, output).toBeUndefined();
      expect(run.metrics.deliveries_per_s).toBeGreaterThan(0);
    }
  });

  it('runs the inbound scenario: GitHub-signed webhooks to a source, answered 202, none failed', { timeout: 300_000 }, async () => {
    const { results, output } = await runBench(dir, 'inbound', 'inbound');
    const run = results.runs.find((r: { scenario: string }) => r.scenario === 'inbound');
    expect(run.error, output).toBeUndefined();
    expect(run.metrics.inbound_requests_per_s).toBeGreaterThan(0);
    expect(run.metrics.inbound_p99_ms).toBeGreaterThan(0);
    expect(run.metrics.failed_requests).toBe(0);
  });

  it('runs the moderate-rates scenario: idle, fixed rates and a drain, with CPU, Kafka requests and SQL statements per event', { timeout: 300_000 }, async () => {
    const { results, output } = await runBench(dir, 'moderate', 'moderate-rates');
    const run = results.runs.find((r: { scenario: string }) => r.scenario === 'moderate-rates');
    expect(run.error, output).toBeUndefined();
    expect(run.metrics.idle_machine_cores).toBeGreaterThan(0);
    // The unmeasured warm-up ran first and everything it published was delivered and persisted.
    expect(run.details.warmup).toMatchObject({ rate: 50, ms: 1_000, settled: true });
    expect(run.details.warmup.accepted).toBe(50);
    for (const k of ['r50', 'r100']) {
      expect(run.details[k].missing, k).toBe(0);
      expect(run.metrics[`${k}_p99_ms`]).toBeGreaterThan(0);
      expect(run.metrics[`${k}_cpu_ms_per_event`]).toBeGreaterThan(0);
      // At least the publish and the fan-out's hand-off: every event costs Kafka requests.
      expect(run.metrics[`${k}_kafka_requests_per_event`]).toBeGreaterThan(1);
    }
    expect(run.details.drain.complete).toBe(true);
    expect(run.metrics.drain_deliveries_per_s).toBeGreaterThan(0);
    // pg_stat_statements is loaded by clusters the launcher started since it was added (one started before says so).
    if (run.metrics.drain_pg_statements_per_event === null) expect(run.details.drain.pgStatementsPerEvent).toBe('pg_stat_statements not loaded');
    else expect(run.metrics.drain_pg_statements_per_event).toBeGreaterThan(0);
  });

  it('runs the hanging-endpoint scenario: the healthy endpoints\' latency with none hanging, then with endpoint 9 hanging', { timeout: 300_000 }, async () => {
    const { results, output } = await runBench(dir, 'hanging', 'hanging-endpoint');
    const run = results.runs.find((r: { scenario: string }) => r.scenario === 'hanging-endpoint');
    expect(run.error, output).toBeUndefined();
    for (const phase of ['none', 'hanging']) {
      // Every event of the healthy nine arrived, in both phases.
      expect(run.details[phase].delivered, phase).toBe(run.details[phase].healthyExpected);
      expect(run.details[phase].delivered, phase).toBeGreaterThan(0);
    }
    expect(run.metrics.none_hanging_p99_ms).toBeGreaterThan(0);
    expect(run.metrics.hanging_p99_ms).toBeGreaterThan(0);
    expect(run.metrics.healthy_p99_ratio).toBeGreaterThan(0);
  });
});
