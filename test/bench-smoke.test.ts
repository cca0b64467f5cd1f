import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { infra } from '@hookline/testing';
import { afterAll, describe, expect, it } from 'vitest';

// Checks only that the benchmark harness works end to end (processes start, load flows, figures and the results
// file are written, everything stops). Never asserts speed: timings live in bench/RESULTS.md.
describe('benchmark harness (smoke sizes)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hookline-bench-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs end-to-end and baseline, writes results with deliveries > 0', { timeout: 300_000 }, async () => {
    const out = join(dir, 'smoke.json');
    const { kafkaBrokers, databaseUrl } = infra();
    const child = spawn(process.execPath, ['bench/run.ts', '--size', 'smoke', '--scenarios', 'end-to-end,baseline', '--no-markdown', '--out', out], {
      env: { ...process.env, KAFKA_BROKERS: kafkaBrokers, DATABASE_URL: databaseUrl },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    const killer = setTimeout(() => child.kill('SIGINT'), 280_000);
    try {
      const [code] = await once(child, 'exit');
      expect(code, output).toBe(0);
    } finally {
      clearTimeout(killer);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    const results = JSON.parse(readFileSync(out, 'utf8'));
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
    const out = join(dir, 'direct.json');
    const { kafkaBrokers, databaseUrl, schemaRegistryUrl } = infra();
    const child = spawn(process.execPath, ['bench/run.ts', '--size', 'smoke', '--scenarios', 'kafka-json,kafka-avro', '--no-markdown', '--out', out], {
      env: { ...process.env, KAFKA_BROKERS: kafkaBrokers, DATABASE_URL: databaseUrl, SCHEMA_REGISTRY_URL: schemaRegistryUrl },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    const killer = setTimeout(() => child.kill('SIGINT'), 280_000);
    try {
      const [code] = await once(child, 'exit');
      expect(code, output).toBe(0);
    } finally {
      clearTimeout(killer);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    const results = JSON.parse(readFileSync(out, 'utf8'));
    for (const name of ['kafka-json', 'kafka-avro']) {
      const run = results.runs.find((r: { scenario: string }) => r.scenario === name);
      expect(run.error, output).toBeUndefined();
      expect(run.metrics.deliveries_per_s).toBeGreaterThan(0);
    }
  });

  it('runs the inbound scenario: GitHub-signed webhooks to a source, answered 202, none failed', { timeout: 300_000 }, async () => {
    const out = join(dir, 'inbound.json');
    const { kafkaBrokers, databaseUrl } = infra();
    const child = spawn(process.execPath, ['bench/run.ts', '--size', 'smoke', '--scenarios', 'inbound', '--no-markdown', '--out', out], {
      env: { ...process.env, KAFKA_BROKERS: kafkaBrokers, DATABASE_URL: databaseUrl },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    const killer = setTimeout(() => child.kill('SIGINT'), 280_000);
    try {
      const [code] = await once(child, 'exit');
      expect(code, output).toBe(0);
    } finally {
      clearTimeout(killer);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    const run = JSON.parse(readFileSync(out, 'utf8')).runs.find((r: { scenario: string }) => r.scenario === 'inbound');
    expect(run.error, output).toBeUndefined();
    expect(run.metrics.inbound_requests_per_s).toBeGreaterThan(0);
    expect(run.metrics.inbound_p99_ms).toBeGreaterThan(0);
    expect(run.metrics.failed_requests).toBe(0);
  });
});
