import { join } from 'node:path';
import { loadConfig, pgFragment } from '@hookline/config';
import { migrate } from '@hookline/db';
import { startKafka, stopKafka } from '../kafka/launcher.ts';
import { resolveHome } from '../kafka/paths.ts';
import { startPostgres, stopPostgres } from '../postgres/launcher.ts';
import { loadDevSecrets } from './dev-secrets.ts';
import { Supervisor } from './supervisor.ts';

/**
 * `npm start`: the whole pipeline on this machine. Starts a broker and a database when none is configured,
 * migrates, runs the three services as supervised processes and prints the API URL and admin token.
 * Ctrl-C stops everything it started.
 */
const root = join(import.meta.dirname, '..', '..');
const say = (line: string) => process.stdout.write(`\x1b[1mhookline |\x1b[0m ${line}\n`);
const stops: Array<() => Promise<void>> = [];

const env: Record<string, string> = {};
if (!process.env.KAFKA_BROKERS) {
  say('KAFKA_BROKERS is unset: starting the local Kafka broker (first run downloads it with Maven)…');
  const kafka = await startKafka({ log: say });
  env.KAFKA_BROKERS = kafka.brokers;
  if (!kafka.reused) stops.push(() => stopKafka());
}
if (!process.env.DATABASE_URL) {
  say('DATABASE_URL is unset: starting a throwaway PostgreSQL cluster under .hookline/…');
  const pg = await startPostgres({ log: say });
  env.DATABASE_URL = pg.databaseUrl;
  if (!pg.reused) stops.push(() => stopPostgres());
}
const secrets = loadDevSecrets(join(resolveHome(), 'dev-secrets.json'));
for (const key of ['ADMIN_TOKEN', 'ENCRYPTION_KEY'] as const) {
  if (!process.env[key]) {
    env[key] = secrets[key];
    say(`${key} is unset: using the generated development value kept in .hookline/dev-secrets.json`);
  }
}
for (const key of ['ALLOW_HTTP_TARGETS', 'ALLOW_PRIVATE_TARGETS']) {
  if (!process.env[key]) {
    env[key] = 'true';
    say(`${key}=true (local demo: endpoints may be http:// and on this machine; never do this in production)`);
  }
}

const pgConfig = loadConfig(pgFragment, { ...process.env, ...env });
await migrate({ url: pgConfig.DATABASE_URL, schema: pgConfig.DATABASE_SCHEMA, log: say });

const ports = { ingest: process.env.HTTP_PORT ?? '8080', dispatcher: '8081', tracker: '8082' };
const supervisor = new Supervisor(
  (['ingest', 'dispatcher', 'tracker'] as const).map((name) => ({
    name,
    script: `services/${name}/src/main.ts`,
    env: { ...env, HTTP_PORT: ports[name] },
  })),
  root,
);
supervisor.start();

const api = `http://127.0.0.1:${ports.ingest}`;
const deadline = Date.now() + 120_000;
while (Date.now() < deadline) {
  const ok = await fetch(`${api}/readyz`).then((r) => r.ok, () => false);
  if (ok) break;
  await new Promise((r) => setTimeout(r, 500));
}
say(`API: ${api}   admin token: ${process.env.ADMIN_TOKEN ?? env.ADMIN_TOKEN}`);
say(`try: curl -s -X POST ${api}/v1/tenants -H "authorization: Bearer <admin token>" -H 'content-type: application/json' -d '{"name":"acme"}'`);
say('Ctrl-C stops everything.');

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  say('stopping services…');
  await supervisor.stop();
  for (const stop of stops.reverse()) await stop().catch((err: unknown) => say(`stop failed: ${String(err)}`));
  say('stopped.');
  process.exit(0);
};
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
