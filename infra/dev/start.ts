import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { loadConfig, pgFragment } from '@hookline/config';
import { migrate } from '@hookline/db';
import { resolveHome } from '../kafka/paths.ts';
import { isProcessAlive } from '../kafka/proc.ts';
import { SERVICE_NODE_ARGS } from '../node/service-node-args.js';
import { buildStrippedCache } from '../node/strip-types.js';
import { ensureWebBuilt } from '../web/ensure-built.ts';
import { seedDemo, startDemoReceiver, type Demo } from './demo.ts';
import { loadDevSecrets } from './dev-secrets.ts';
import { jaegerLink, kafkaMetricsPort, observabilityParts, observabilityWanted, otlpEnv } from './observability.ts';
import { configuredPart, localStack, whyNotStarted, type Part } from './stack.ts';
import { StartLock } from './start-lock.ts';
import { Supervisor, type RunAs } from './supervisor.ts';

/**
 * `npm start`: the whole pipeline on this machine. Starts a broker, a database and a schema registry when none is
 * configured, migrates, runs the three services supervised (as processes, or in this process a worker thread each) and
 * prints the API URL and admin token.
 * Ctrl-C (or SIGTERM, or the npm that ran it going away) stops everything it started, at any moment.
 */
const root = join(import.meta.dirname, '..', '..');
const home = resolveHome();
const colour = process.stdout.isTTY === true && !process.env.NO_COLOR;
const paint = (code: string, text: string) => (colour ? `\x1b[${code}m${text}\x1b[0m` : text);
const say = (line: string) => process.stdout.write(`${paint('1', 'hookline |')} ${line}\n`);
const ok = (line: string) => say(`${paint('32', '✓')} ${line}`);
const bad = (line: string) => say(`${paint('31', '✗')} ${line}`);
/** A part that is not needed to run did not start: why, with the end of its log under it, and what happens instead. */
function notStarted(what: string, reason: unknown, instead: string): void {
  const { first, last } = whyNotStarted(reason);
  bad(`${what} (${instead}): ${first}`);
  for (const line of last) say(paint('2', `    ${line}`));
}
// Output may outlive the terminal or the npm that ran us (SIGHUP, a killed npm): never crash on a closed pipe.
process.stdout.on('error', () => undefined);

/** The parent of `pid` (from /proc), if it can be read. */
function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}
const isAlive = (pid: number) => isProcessAlive(pid);

const lock = new StartLock(join(home, 'npm-start.json'));
const parts: Part[] = [];
let supervisor: Supervisor | undefined;
let stopping: Promise<void> | undefined;

/** Stops the services, then every part this process started (also one still starting), then exits. */
function shutdown(code: number, why: string): Promise<void> {
  stopping ??= (async () => {
    lock.set('stopping');
    say(why);
    await supervisor?.stop();
    await Promise.all(
      parts.map((part) => part.stop().catch((err: unknown) => bad(`stopping the ${part.name} failed: ${(err as Error).message}`))),
    );
    lock.release();
    say('stopped.');
    process.exit(code);
  })();
  return stopping;
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void shutdown(0, 'stopping…'));
// The daemons run detached: an error nobody caught must still stop them, not end this process with them left running.
const failed = (err: unknown) => {
  bad(`unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  void shutdown(1, 'stopping everything…');
};
process.on('uncaughtException', failed);
process.on('unhandledRejection', failed);
// npm forwards no signal when it is killed itself: stop when it (our parent, or the shell between us) goes away.
const ancestors = [process.ppid, parentOf(process.ppid)].filter((pid): pid is number => pid !== undefined && pid > 1);
setInterval(() => {
  if (!ancestors.every(isAlive)) void shutdown(0, 'the npm that ran npm start has gone; stopping…');
}, 1_000).unref();

/** The part for a variable the user set, a local one otherwise (none for `SCHEMA_REGISTRY_URL=none`). */
function chooseParts(observability: boolean) {
  const local = localStack((msg) => say(paint('2', msg)), observability ? { kafkaMetricsPort: kafkaMetricsPort() } : {});
  const configured = (name: Part['name'], value: string | undefined, fallback: Part) =>
    value ? configuredPart(name, value) : fallback;
  const registryUrl = process.env.SCHEMA_REGISTRY_URL;
  return {
    broker: configured('broker', process.env.KAFKA_BROKERS, local.broker),
    database: configured('database', process.env.DATABASE_URL, local.database),
    registry: registryUrl === 'none' ? undefined : configured('registry', registryUrl, local.registry),
  };
}

const redact = (url: string) => url.replace(/:[^:@/]*@/, ':***@');
const describe = (part: Part) => `${part.name.padEnd(8)} ${redact(part.address ?? '')} ${paint('2', part.local ? (part.owned ? '(started)' : '(reused)') : '(configured)')}`;

/** Restarts a local part that went away (or reports a configured one once) and lets the services retry at once. */
function watch(all: Part[], onBack: () => void): void {
  const down = new Set<Part>();
  const check = async (part: Part) => {
    if (stopping) return;
    const answers = part.starting !== undefined || (await part.answers());
    if (stopping) return; // a shutdown that began while this asked stops the part on purpose: never start it again
    if (answers) {
      if (down.delete(part)) {
        ok(`${describe(part)} is back`);
        onBack();
      }
      return;
    }
    if (down.has(part)) return;
    down.add(part);
    if (!part.local) return bad(`the ${part.name} at ${redact(part.address ?? '')} does not answer; the services retry until it is back`);
    bad(`the ${part.name} at ${redact(part.address ?? '')} went away; starting it again…`);
    await part.start().catch((err: unknown) => shutdown(1, `could not start the ${part.name} again: ${(err as Error).message.split('\n')[0]}; stopping everything`));
  };
  // A local part is checked by its pid every 2 s (no network). One known only by its address — configured by the
  // user, or a local one some other launcher runs — every 10 s while it answers (each probe costs PostgreSQL a forked
  // backend), every 2 s once it does not.
  let tick = 0;
  const due = (part: Part) => part.pid !== undefined || down.has(part) || tick % 5 === 0;
  const timer = setInterval(() => {
    tick += 1;
    void Promise.all(all.filter(due).map(check));
  }, 2_000);
  timer.unref();
}

async function waitForServices(ports: Record<string, number>): Promise<void> {
  const started = Date.now();
  let reported = false;
  for (;;) {
    const states = await Promise.all(
      Object.entries(ports).map(async ([name, port]) => [name, await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false)] as const),
    );
    if (states.every(([, ready]) => ready)) return;
    if (!reported && Date.now() - started > 90_000) {
      reported = true;
      const waiting = states.filter(([, ready]) => !ready).map(([name]) => name);
      bad(`${waiting.join(', ')} not ready after 90 s (see the lines above); still waiting…`);
    }
    await delay(250);
  }
}

/**
 * `SERVICES_RUN_AS`: `process` (the default: each service its own process) or `thread` (all three in this process, a
 * worker thread each: ~100 MiB less memory after a load and as fast at 100/s, but a longer tail near saturation and a
 * slower drain; bench/RESULTS.md).
 */
function servicesRunAs(): RunAs {
  const value = process.env.SERVICES_RUN_AS ?? 'process';
  if (value !== 'process' && value !== 'thread') throw new Error(`SERVICES_RUN_AS must be process or thread (got ${JSON.stringify(value)})`);
  return value;
}

async function main(): Promise<void> {
  const runAs = servicesRunAs();
  mkdirSync(home, { recursive: true });
  await lock.take(say);

  const wanted = observabilityWanted(process.argv.slice(2), process.env);
  const { broker, database, registry } = chooseParts(wanted);
  parts.push(broker, database, ...(registry ? [registry] : []));
  // --observability: Jaeger, PostgreSQL's exporter and Prometheus start alongside (the first run builds Jaeger with
  // Go), and a broker started here serves its own metrics.
  const apiPort = Number(process.env.HTTP_PORT ?? 8080);
  const ports = { ingest: apiPort, dispatcher: apiPort + 1, tracker: apiPort + 2 };
  const observability = wanted ? observabilityParts((msg) => say(paint('2', msg)), ports, { broker, database }) : undefined;
  if (observability) parts.push(observability.jaeger, observability.pgExporter, observability.prometheus);
  const starting = parts.filter((p) => p.local).map((p) => p.name);
  const list = starting.length > 1 ? `${starting.slice(0, -1).join(', ')} and ${starting.at(-1)}` : starting.join('');
  if (starting.length > 0) say(`starting the local ${list} (the first run fetches Kafka and Apicurio Registry from Maven Central${observability ? ' and builds Jaeger with Go' : ''})…`);
  // The portal and console pages, built (when their sources changed) while the infrastructure starts.
  const web = ensureWebBuilt({ log: (msg) => say(paint('2', msg)) }).then(
    () => true,
    (err: unknown) => {
      bad(`the portal and console could not be built: ${(err as Error).message.split('\n')[0]} (the API works without them)`);
      return false;
    },
  );
  const results = await Promise.allSettled(parts.map((part) => part.start()));
  if (stopping) return;
  for (const [i, result] of results.entries()) {
    const part = parts[i]!;
    if (result.status === 'fulfilled') ok(describe(part));
    else if (part === observability?.jaeger || part === observability?.prometheus || part === observability?.pgExporter) notStarted(`${part.name} not started`, result.reason, 'the services run without it');
    else if (part === registry) notStarted('registry not started', result.reason, 'event-type schemas stay in PostgreSQL; SCHEMA_REGISTRY_URL=none skips it');
    else throw result.reason;
  }
  if (!registry) ok(`registry ${paint('2', 'none (SCHEMA_REGISTRY_URL=none): event-type schemas live in PostgreSQL only')}`);

  const env: Record<string, string> = { KAFKA_BROKERS: broker.address!, DATABASE_URL: database.address! };
  if (registry?.address) env.SCHEMA_REGISTRY_URL = registry.address;
  const secrets = loadDevSecrets(join(home, 'dev-secrets.json'));
  const generated: string[] = [];
  for (const key of ['ADMIN_TOKEN', 'ENCRYPTION_KEY'] as const) {
    if (!process.env[key]) {
      env[key] = secrets[key];
      generated.push(key);
    }
  }
  const demo = ['ALLOW_HTTP_TARGETS', 'ALLOW_PRIVATE_TARGETS'].filter((key) => !process.env[key]);
  for (const key of demo) env[key] = 'true';
  env.LOG_FORMAT = process.env.LOG_FORMAT ?? 'pretty';
  if (observability?.jaeger.otlp) Object.assign(env, otlpEnv(observability.jaeger.otlp, process.env));
  if (!colour) env.NO_COLOR = '1';

  const pgConfig = loadConfig(pgFragment, { ...process.env, ...env });
  const applied = await migrate({ url: pgConfig.DATABASE_URL, schema: pgConfig.DATABASE_SCHEMA, log: () => undefined });
  if (stopping) return;
  ok(`database schema ${pgConfig.DATABASE_SCHEMA} ${applied.length > 0 ? `migrated (${applied.length} applied)` : 'up to date'}`);

  // The services load their TypeScript stripped ahead of time (infra/node/stripped-ts.js: less memory each).
  buildStrippedCache();
  supervisor = new Supervisor(
    (['ingest', 'dispatcher', 'tracker'] as const).map((name) => ({
      name,
      script: `services/${name}/src/main.ts`,
      nodeArgs: SERVICE_NODE_ARGS,
      env: {
        ...env,
        HTTP_PORT: String(ports[name]),
        // The console's System page reads the other services' metrics through ingest.
        ...(name === 'ingest'
          ? { DISPATCHER_METRICS_URL: `http://127.0.0.1:${ports.dispatcher}/metrics`, TRACKER_METRICS_URL: `http://127.0.0.1:${ports.tracker}/metrics` }
          : {}),
      },
    })),
    root,
    { colour, runAs },
  );
  say(`starting ingest :${ports.ingest}, dispatcher :${ports.dispatcher}, tracker :${ports.tracker}${runAs === 'thread' ? ' in one process, a thread each' : ''}…`);
  supervisor.start();
  watch(parts, () => supervisor?.restartWaiting());
  await waitForServices(ports);
  const webBuilt = await web;
  if (stopping) return;

  const api = `http://127.0.0.1:${ports.ingest}`;
  const admin = process.env.ADMIN_TOKEN ?? env.ADMIN_TOKEN!;
  let demoApp: Demo | undefined;
  if (process.env.HOOKLINE_DEMO !== 'false') {
    try {
      const receiverPort = apiPort + 3;
      await startDemoReceiver(receiverPort);
      demoApp = await seedDemo({ apiUrl: api, adminToken: admin, stateFile: join(home, 'demo.json'), receiverUrl: `http://127.0.0.1:${receiverPort}/webhooks` });
    } catch (err) {
      bad(`the demo application could not be set up: ${(err as Error).message.split('\n')[0]} (HOOKLINE_DEMO=false skips it)`);
    }
  }
  lock.set('ready');
  const row = (label: string, value: string) => `  ${paint('2', label.padEnd(12))} ${value}`;
  const lines = [
    '',
    `  ${paint('1;32', 'Hookline is ready.')}`,
    '',
    row('API', `${api}   ${paint('2', `(OpenAPI document: ${api}/openapi.json)`)}`),
    row('admin token', admin),
    row('try', `curl -s -X POST ${api}/v1/tenants -H "authorization: Bearer ${admin}" -H 'content-type: application/json' -d '{"name":"acme"}'`),
    row('metrics', `${api}/metrics, :${ports.dispatcher}/metrics, :${ports.tracker}/metrics`),
    ...(observability?.jaeger.address && observability.jaeger.otlp ? [row('Jaeger', `${jaegerLink(observability.jaeger.address, observability.jaeger.hasUi === true)}   ${paint('2', observability.jaeger.hasUi ? `(traces, exported to ${observability.jaeger.otlp})` : '(query API: this build has no UI assets; npm run screenshots:observability draws a trace)')}`)] : []),
    ...(observability?.prometheus.address ? [row('Prometheus', `${observability.prometheus.address}/graph   ${paint('2', '(scraping the three services, the broker and PostgreSQL; Grafana: docker compose up)')}`)] : []),
    ...(demoApp && webBuilt
      ? [
          '',
          row('portal', demoApp.portalUrl),
          row('', paint('2', `the self-service portal of the demo application "${demoApp.applicationUid}" (link valid 24 h)`)),
          row('console', `${demoApp.consoleUrl}   ${paint('2', 'sign in with the demo API key:')} ${demoApp.apiKey}`),
        ]
      : []),
    '',
    ...(generated.length > 0 ? [paint('2', `  ${generated.join(' and ')}: development values kept in ${join(home, 'dev-secrets.json')}`)] : []),
    ...(demo.length > 0 ? [paint('2', `  ${demo.map((k) => `${k}=true`).join(', ')}: a local demo may deliver to http:// on this machine (never in production)`)] : []),
    paint('2', `  Logs below are one line per event (LOG_FORMAT=json for JSON lines). Ctrl-C stops everything.`),
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((err: unknown) => {
  if (stopping) return;
  bad((err as Error).message);
  if (parts.length === 0) process.exit(1); // nothing was started yet
  void shutdown(1, 'stopping what was started…');
});
