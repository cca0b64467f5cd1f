import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestWorld, waitFor, type TestWorld } from '@hookline/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { portOpen } from '../infra/common/net.ts';
import { JaegerQuery } from './support/jaeger-query.ts';
import { call, createTenant } from './support/pipeline.ts';
import { freePortRun } from './support/service-processes.ts';
import { sharedCache, jaegerUnavailable } from './support/test-jaeger.ts';
import { PromApi, prometheusUnavailable } from './support/test-prometheus.ts';

const root = join(import.meta.dirname, '..');
/** The next suite holds a port the way only a raw socket can (bound, not listening). */
const python3 = () => spawnSync('python3', ['--version']).status === 0;

type Ports = { api: number; otlpGrpc: number; otlpHttp: number; query: number; queryGrpc: number; prometheus: number; pgExporter: number };

/** Ten consecutive free ports, so no two of the parts can draw the same one: the API and the next three (npm start uses HTTP_PORT and the next two; the demo receiver the third), then six for the daemons. */
async function choosePorts(): Promise<Ports> {
  const base = await freePortRun(10);
  return { api: base, otlpGrpc: base + 4, otlpHttp: base + 5, query: base + 6, queryGrpc: base + 7, prometheus: base + 8, pgExporter: base + 9 };
}

/** `npm start -- --observability` in its own home and on the given ports, its output collected; `ready` resolves at the banner. */
function startObservable(world: TestWorld, home: string, ports: Ports): { child: ChildProcess; output: () => string; ended: () => string; ready: Promise<unknown> } {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...world.env,
    HOOKLINE_HOME: home,
    HTTP_PORT: String(ports.api),
    SCHEMA_REGISTRY_URL: 'none',
    HOOKLINE_DEMO: 'false',
    NO_COLOR: '1',
    HOOKLINE_JAEGER_OTLP_GRPC_PORT: String(ports.otlpGrpc),
    HOOKLINE_JAEGER_OTLP_HTTP_PORT: String(ports.otlpHttp),
    HOOKLINE_JAEGER_QUERY_PORT: String(ports.query),
    HOOKLINE_JAEGER_QUERY_GRPC_PORT: String(ports.queryGrpc),
    HOOKLINE_PROMETHEUS_PORT: String(ports.prometheus),
    HOOKLINE_PG_EXPORTER_PORT: String(ports.pgExporter),
  };
  // npm start's own choices, not the test world's: the SDK on, its exporter and sampling left to --observability.
  for (const key of ['OTEL_SDK_DISABLED', 'OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_TRACES_SAMPLER_ARG', 'LOG_FORMAT', 'LOG_LEVEL']) delete env[key];
  let output = '';
  let ended = 'npm start still running';
  const child = spawn('npm', ['start', '--', '--observability'], { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  child.on('exit', (code, signal) => (ended = `npm start exited with code ${code} signal ${signal} at ${new Date().toISOString()}`));
  const ready = waitFor(() => output.includes('Hookline is ready'), { timeoutMs: 150_000, intervalMs: 200, description: 'the banner' }).catch((error: unknown) => {
    throw new Error(`${(error as Error).message}; output:\n${output}`, { cause: error });
  });
  return { child, output: () => output, ended: () => ended, ready };
}

/** Ctrl-C to a running `npm start` (its whole process group), waiting up to 30 s for it to end. */
async function interrupt(child: ChildProcess | undefined): Promise<void> {
  if (child && child.exitCode === null && child.signalCode === null) {
    process.kill(-child.pid!, 'SIGINT');
    await Promise.race([once(child, 'exit'), new Promise((r) => setTimeout(r, 30_000))]);
  }
}

/** A home of its own for one `npm start`, sharing the checkout's Jaeger binary (built once). */
function observableHome(): string {
  const home = mkdtempSync(join(tmpdir(), 'hookline-observability-'));
  symlinkSync(sharedCache(), join(home, 'cache'));
  return home;
}

describe.skipIf(jaegerUnavailable() || prometheusUnavailable())('npm start -- --observability', () => {
  let world: TestWorld;
  let home: string;
  let child: ChildProcess;
  let output = () => '';
  let ended = () => 'npm start still running';
  const ports: Ports = { api: 0, otlpGrpc: 0, otlpHttp: 0, query: 0, queryGrpc: 0, prometheus: 0, pgExporter: 0 };

  beforeAll(async () => {
    world = createTestWorld('npm-start-observability');
    home = observableHome();
    Object.assign(ports, await choosePorts());
    const started = startObservable(world, home, ports);
    ({ child, output, ended } = started);
    await started.ready;
  }, 900_000);
  // On any failure: what npm start printed and the ends of its daemons' logs (the home is removed afterwards).
  beforeEach(({ onTestFailed }) =>
    onTestFailed(() => {
      const tails = ['jaeger/jaeger.log', 'prometheus/prometheus.log', 'postgres-exporter/postgres-exporter.log']
        .map((file) => join(home, file))
        .filter((file) => existsSync(file))
        .map((file) => `--- ${file} (end) ---\n${readFileSync(file, 'utf8').slice(-4_000)}`);
      console.log(`--- npm start's output (${ended()}) ---\n${output()}\n${tails.join('\n')}`);
    }),
  );
  afterAll(async () => {
    await interrupt(child);
    rmSync(home, { recursive: true, force: true });
    await world?.cleanup();
  });

  it('prints the Jaeger and Prometheus links, exports every trace to Jaeger and has Prometheus scraping the services and PostgreSQL', async () => {
    const jaegerLine = /^\s+Jaeger\s+(http:\/\/\S+)/m.exec(output())?.[1] ?? `(no Jaeger line in the output:\n${output()})`;
    const prometheusLine = /^\s+Prometheus\s+(http:\/\/\S+)/m.exec(output())?.[1] ?? `(no Prometheus line in the output:\n${output()})`;
    expect(jaegerLine, output()).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${ports.query}/`));
    expect(prometheusLine, output()).toBe(`http://127.0.0.1:${ports.prometheus}/graph`);
    expect(await fetch(jaegerLine).then((r) => r.status)).toBe(200);

    const api = `http://127.0.0.1:${ports.api}`;
    const { apiKey } = await createTenant(api, world.env.ADMIN_TOKEN!, 'observed');
    const published = await call('POST', `${api}/v1/events`, apiKey, { type: 'order.created', data: {} });
    expect(published.status).toBe(202);
    // Every new trace is sampled under --observability: the publish is in Jaeger, through the services' own SDKs.
    const jaeger = new JaegerQuery(`http://127.0.0.1:${ports.query}`);
    await waitFor(async () => (await jaeger.traceIds('hookline-ingest', 'POST /v1/events', Date.now() - 120_000)).size === 1, {
      timeoutMs: 30_000,
      intervalMs: 500,
      description: 'the publish in Jaeger',
    });
    await waitFor(async () => (await jaeger.services()).includes('hookline-dispatcher'), { timeoutMs: 30_000, intervalMs: 500, description: 'the fan-out in Jaeger' });

    const prom = new PromApi(`http://127.0.0.1:${ports.prometheus}`);
    // The test world's broker is configured (KAFKA_BROKERS), not started here: no broker metrics to scrape.
    await waitFor(async () => {
      const targets = await prom.targets();
      return targets.length === 4 && targets.every((t) => t.health === 'up');
    }, { timeoutMs: 30_000, intervalMs: 500, description: 'Prometheus scraping the three services and the PostgreSQL exporter' });
    expect((await prom.targets()).map((t) => t.job).sort()).toEqual(['dispatcher', 'ingest', 'postgres', 'tracker']);
    expect(await prom.total('pg_up')).toBe(1);
    await waitFor(async () => (await prom.total('sum(hookline_events_accepted_total)')) === 1, { timeoutMs: 30_000, intervalMs: 500, description: 'the publish counted' });
    expect(readFileSync(join(home, 'prometheus', 'prometheus.yml'), 'utf8')).toContain(`127.0.0.1:${ports.api + 2}`);
  });

  it('starts a part that went away again and says when it is back', async () => {
    const pidFile = join(home, 'postgres-exporter', 'postgres-exporter.pid');
    const before = Number(readFileSync(pidFile, 'utf8').trim());
    const from = output().length;
    process.kill(before, 'SIGKILL');
    await waitFor(() => /pg-exporter .* is back/.test(output().slice(from)), { timeoutMs: 30_000, intervalMs: 200, description: 'the exporter back' });
    expect(output().slice(from)).toMatch(/✗ the pg-exporter at http:\/\/127\.0\.0\.1:\d+\/metrics went away; starting it again…/);
    expect(Number(readFileSync(pidFile, 'utf8').trim())).not.toBe(before);
    expect(await portOpen('127.0.0.1', ports.pgExporter)).toBe(true);
  });

  it('stops Jaeger, Prometheus and the PostgreSQL exporter with everything else on Ctrl-C', async () => {
    process.kill(-child.pid!, 'SIGINT');
    await once(child, 'exit'); // npm itself ends by the SIGINT; start.ts says "stopped." once all is down.
    expect(output()).toMatch(/hookline \| stopped\.\s*$/);
    for (const port of [ports.query, ports.otlpHttp, ports.prometheus, ports.pgExporter, ports.api]) expect(await portOpen('127.0.0.1', port), `port ${port}`).toBe(false);
  });
});

describe.skipIf(jaegerUnavailable() || prometheusUnavailable() || !python3())('npm start -- --observability when Jaeger cannot start', () => {
  let world: TestWorld;
  let home: string;
  let holder: ChildProcess | undefined;
  let started: ReturnType<typeof startObservable> | undefined;

  afterAll(async () => {
    await interrupt(started?.child);
    holder?.kill('SIGKILL');
    if (home) rmSync(home, { recursive: true, force: true });
    await world?.cleanup();
  });

  it('says so on the banner with the end of its log, and runs the services without it', async () => {
    world = createTestWorld('npm-start-no-jaeger');
    home = observableHome();
    const ports = await choosePorts();
    // Jaeger's OTLP/HTTP port bound by another process that does not listen on it: the launcher's check before
    // starting Jaeger finds nothing answering there, and Jaeger itself exits when its bind fails.
    holder = spawn('python3', ['-c', `import socket, sys, time\ns = socket.socket()\ns.bind(('127.0.0.1', ${ports.otlpHttp}))\nprint('bound', flush=True)\ntime.sleep(600)`], { stdio: ['ignore', 'pipe', 'inherit'] });
    await once(holder.stdout!, 'data');
    started = startObservable(world, home, ports);
    await started.ready;
    const output = started.output();
    expect(output).toMatch(/^hookline \| ✗ jaeger not started \(the services run without it\): Jaeger \(pid \d+\) exited during startup\. Last lines of \S+jaeger\.log:$/m);
    expect(output).toMatch(new RegExp(`^hookline \\|     .*127\\.0\\.0\\.1:${ports.otlpHttp}: bind: address already in use`, 'm'));
    expect(output).toMatch(/^hookline \| ✓ prometheus /m);
    expect(output).not.toMatch(/^\s+Jaeger\s+http/m);
    const health = await fetch(`http://127.0.0.1:${ports.api}/readyz`).then((r) => r.status, () => 0);
    expect(health).toBe(200);
  });
});
