import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { SERVICE_NODE_ARGS } from '../../infra/node/service-node-args.js';
import { buildStrippedCache } from '../../infra/node/strip-types.js';
import { startChild, type Child } from './children.ts';
import type { World } from './infra.ts';

export type ServiceName = 'ingest' | 'dispatcher' | 'tracker';

/** What every scenario shares: where logs go, the OTLP endpoint, and the progress printer. */
export interface BenchContext {
  logDir: string;
  /** OTLP/HTTP endpoint the services export to, or undefined when traces are not exported (`none`). */
  otlpEndpoint: string | undefined;
  log(msg: string): void;
}

/** The services of one scenario run, as separate processes or (`BENCH_SERVICES_RUN_AS=thread`) threads of one. */
export interface Services {
  /** Base URL of ingest's API ('' when ingest is not running). */
  api: string;
  adminToken: string;
  env: Record<string, string>;
  /** By service; one `services` process instead with `BENCH_SERVICES_RUN_AS=thread`. */
  children: Map<ServiceName | 'services', Child>;
  /** Each service's base URL (its `/metrics` and `/readyz` are there). */
  urls: Map<ServiceName, string>;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** Polls `url` until it answers 200, failing early if `child` exits; bounded by `timeoutMs`. */
export async function waitHttpOk(url: string, child: Child, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.proc.exitCode !== null) throw new Error(`${child.name} exited with ${child.proc.exitCode} during start-up (see ${child.logFile})`);
    const status = await request(url).then(async (r) => (await r.body.dump(), r.statusCode), () => 0);
    if (status === 200) return;
    await sleep(250);
  }
  throw new Error(`${child.name} not ready at ${url} after ${timeoutMs} ms (see ${child.logFile})`);
}

/**
 * The production settings of a service in the bench: logs at info, OpenTelemetry on with Hookline's documented
 * default sampling (parent-based, 10 % of new traces; OTEL_TRACES_SAMPLER/_ARG override it), exporting to the
 * bench's OTLP sink, plus the world's prefix and schema.
 */
export function serviceEnv(ctx: BenchContext, world: World): Record<string, string> {
  return {
    KAFKA_BROKERS: world.infra.kafkaBrokers,
    DATABASE_URL: world.infra.databaseUrl,
    DATABASE_SCHEMA: world.schema,
    TOPIC_PREFIX: world.prefix,
    ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    ADMIN_TOKEN: `admin_${randomBytes(16).toString('hex')}`,
    ALLOW_HTTP_TARGETS: 'true',
    ALLOW_PRIVATE_TARGETS: 'true',
    TENANT_PUBLISH_RATE: '10000000',
    LOG_LEVEL: 'info',
    OTEL_SDK_DISABLED: 'false',
    ...(ctx.otlpEndpoint
      ? { OTEL_EXPORTER_OTLP_ENDPOINT: ctx.otlpEndpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' }
      : { OTEL_TRACES_EXPORTER: 'none' }),
  };
}

/** Starts the chosen services as `node services/<name>/src/main.ts` processes and waits until each is ready. */
export async function startServices(ctx: BenchContext, world: World, names: readonly ServiceName[], extraEnv: Record<string, string> = {}): Promise<Services> {
  // BENCH_SERVICE_ENV: a JSON object of variables for the services (e.g. {"LOG_LEVEL":"warn","OTEL_SDK_DISABLED":"true"}).
  const env = { ...serviceEnv(ctx, world), ...extraEnv, ...(JSON.parse(process.env.BENCH_SERVICE_ENV ?? '{}') as Record<string, string>) };
  buildStrippedCache();
  const children = new Map<ServiceName | 'services', Child>();
  const ports = new Map<ServiceName, number>();
  try {
    for (const name of names) ports.set(name, await freePort());
    // BENCH_CPU_PROF=<dir>: V8 CPU profiles of the services (written when they stop), for flame graphs.
    // BENCH_NODE_OPTIONS: extra Node/V8 flags for the services only (e.g. a preload); BENCH_NODE_ARGS: the same on the
    // command line after the services' own, for V8 flags Node refuses in NODE_OPTIONS (--heap-growing-percent) or to
    // replace one of theirs (the later wins). The services run as npm start runs them (SERVICE_NODE_ARGS on the
    // command line: their TypeScript stripped ahead of time, their heap flags).
    const nodeArgs = [...SERVICE_NODE_ARGS, ...(process.env.BENCH_NODE_ARGS ?? '').split(/\s+/).filter(Boolean)];
    const prof = (name: string): Record<string, string> => {
      const nodeOptions = [
        process.env.BENCH_CPU_PROF ? `--cpu-prof --cpu-prof-dir=${process.env.BENCH_CPU_PROF}/${name}` : '',
        process.env.BENCH_NODE_OPTIONS ?? '',
      ].filter(Boolean).join(' ');
      return nodeOptions ? { NODE_OPTIONS: nodeOptions } : {};
    };
    if (process.env.BENCH_SERVICES_RUN_AS === 'thread') {
      // As `npm start` runs them with SERVICES_RUN_AS=thread: one process, a worker thread each.
      const args = names.map((name) => `${name}=${ports.get(name)}`);
      children.set('services', startChild({ name: 'services', script: 'infra/dev/one-process.ts', args, nodeArgs, env: { ...env, ...prof('services') }, logDir: ctx.logDir }));
    } else {
      for (const name of names) {
        children.set(name, startChild({ name, script: `services/${name}/src/main.ts`, nodeArgs, env: { ...env, ...prof(name), HTTP_PORT: String(ports.get(name)) }, logDir: ctx.logDir }));
      }
    }
    const childOf = (name: ServiceName) => children.get(name) ?? children.get('services')!;
    await Promise.all(names.map((name) => waitHttpOk(`http://127.0.0.1:${ports.get(name)}/readyz`, childOf(name), 120_000)));
  } catch (err) {
    await Promise.allSettled([...children.values()].map((c) => c.stop()));
    throw err;
  }
  return {
    api: ports.has('ingest') ? `http://127.0.0.1:${ports.get('ingest')}` : '',
    adminToken: env.ADMIN_TOKEN!,
    env,
    children,
    urls: new Map([...ports].map(([name, port]) => [name, `http://127.0.0.1:${port}`])),
    async stop() {
      await Promise.allSettled([...children.values()].map((c) => c.stop()));
    },
  };
}

async function postJson(url: string, token: string, body: unknown): Promise<any> {
  const res = await request(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.body.text();
  if (res.statusCode >= 300) throw new Error(`POST ${url} answered ${res.statusCode}: ${text}`);
  return JSON.parse(text);
}

/** Creates a tenant and one endpoint per URL (with the given event types each); returns the tenant, its API key and the ids. */
export async function provision(services: Services, endpoints: Array<{ url: string; eventTypes: string[] }>): Promise<{ tenantId: string; apiKey: string; endpointIds: string[] }> {
  const tenant = (await postJson(`${services.api}/v1/tenants`, services.adminToken, { name: 'bench' })) as { id: string; apiKey: string };
  const endpointIds: string[] = [];
  for (const e of endpoints) endpointIds.push(((await postJson(`${services.api}/v1/endpoints`, tenant.apiKey, e)) as { id: string }).id);
  return { tenantId: tenant.id, apiKey: tenant.apiKey, endpointIds };
}
