// Issue 19, thirty-first session: what PostgreSQL spends on the tracker's batch statements sent unnamed (parsed and
// planned on every execution, as the tracker sends them) against named (prepared once per connection), and named
// with the three writes in one transaction instead of one each.
// Writes batches of ROWS events, deliveries and attempts (as the tracker's three writes at 100/s: ~30 rows a batch)
// into a fresh schema, alternating the two ways by round, and reads the backend's own CPU from /proc.
//   DATABASE_URL=postgres://postgres@127.0.0.1:55432/hookline node bench/results/s31/named-statements.ts [batches] [rows]
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { migrate } from '../../../packages/db/src/migrate.ts';
import { INSERT_ATTEMPTS, INSERT_EVENTS, UPSERT_DELIVERIES } from '../../../services/tracker/src/repositories/tracking-sql.ts';

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:55432/hookline';
const BATCHES = Number(process.argv[2] ?? 400);
const ROWS = Number(process.argv[3] ?? 30);
const schema = `s31_named_${process.pid}`;
await migrate({ url, schema });
const client = new pg.Client({ connectionString: url });
await client.connect();
await client.query(`SET search_path TO ${client.escapeIdentifier(schema)}`);
const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
const ticks = (): number => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(f[11]) + Number(f[12]); // utime + stime, clock ticks (10 ms)
};
const payload = { text: 'x'.repeat(1000) };
const SKIPPED = ['circuit_open', 'rate_limited', 'concurrency_limited', 'paused'];

function batch(): { events: unknown[]; deliveries: unknown[]; attempts: unknown[] } {
  const now = new Date().toISOString();
  const events = [], deliveries = [], attempts = [];
  for (let i = 0; i < ROWS; i++) {
    const eventId = `msg_${randomUUID()}`, deliveryId = `dlv_${randomUUID()}`, endpointId = `ep_${i % 10}`;
    events.push({ id: eventId, tenantId: 't1', type: 'order.created', payload, createdAt: now, kafkaPartition: 0, kafkaOffset: String(i), traceparent: null });
    deliveries.push({ id: deliveryId, eventId, tenantId: 't1', endpointId, eventType: 'order.created', eventCreatedAt: now, createdAt: now });
    attempts.push({ attemptId: `atm_${randomUUID()}`, deliveryId, eventId, tenantId: 't1', endpointId, attempt: 1, outcome: 'success', status: 'succeeded', statusCode: 200, durationMs: 2, url: 'http://127.0.0.1:1/hook', startedAt: now });
  }
  return { events, deliveries, attempts };
}

let n = 0;
/** `unnamed` (as the tracker sends them), `named` (prepared once), `one` (named, the three in one transaction). */
async function write(way: string): Promise<void> {
  const b = batch();
  const named = way !== 'unnamed';
  const q = (name: string, text: string, values: unknown[]) => client.query(named ? { name, text, values } : { text, values });
  const boundary = async (sql: string) => {
    if (way !== 'one') await client.query(sql);
  };
  if (way === 'one') await client.query('BEGIN');
  await boundary('BEGIN');
  await q('s31_events', INSERT_EVENTS, [JSON.stringify(b.events)]);
  await boundary('COMMIT');
  await boundary('BEGIN');
  await q('s31_deliveries', UPSERT_DELIVERIES, [JSON.stringify(b.deliveries)]);
  await boundary('COMMIT');
  await boundary('BEGIN');
  await q('s31_attempts', INSERT_ATTEMPTS, [JSON.stringify(b.attempts), SKIPPED]);
  await boundary('COMMIT');
  if (way === 'one') await client.query('COMMIT');
  n++;
}

const ways = ['unnamed', 'named', 'one'];
const result: Record<string, { ticks: number[]; ms: number[] }> = Object.fromEntries(ways.map((w) => [w, { ticks: [], ms: [] }]));
for (let i = 0; i < 12; i++) await write(ways[i % 3]!); // warm every way
for (let round = 0; round < 6; round++) {
  for (const way of round % 2 === 0 ? ways : [...ways].reverse()) {
    const t0 = ticks(), s = performance.now();
    for (let i = 0; i < BATCHES; i++) await write(way);
    result[way]!.ticks.push(ticks() - t0);
    result[way]!.ms.push(performance.now() - s);
  }
}
for (const [way, r] of Object.entries(result)) {
  const perBatch = r.ticks.map((t) => ((t * 10) / BATCHES).toFixed(3));
  const wall = r.ms.map((m) => (m / BATCHES).toFixed(3));
  console.log(`${way}: backend CPU ms per batch of three writes (${ROWS} rows each): ${perBatch.join(', ')}; client wall ms: ${wall.join(', ')}`);
}
await client.query(`DROP SCHEMA ${client.escapeIdentifier(schema)} CASCADE`);
await client.end();
console.log(`${n} batches written`);
