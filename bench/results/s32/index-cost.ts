// Issue 19, thirty-second session: what PostgreSQL spends per tracker batch
// - on the attempts table's indexes that no query reads (attempts_endpoint_idx, attempts_tenant_idx; DROP_INDEXES
//   names others, empty for none), and
// - with PAIRED=true, on a delivery inserted pending and then updated by its attempt rather than written once with it
//   (needs paired-writes.patch applied: INSERT_ATTEMPTS taking the delivery record's fields; not kept in the tree).
// Two fresh schemas migrated alike; the second one differs as above. Batches of ROWS events, deliveries and attempts
// (the tracker's own statements, named, one transaction each, as the tracker writes them) go to each schema in turn,
// alternating by round; each schema has its own connection, whose backend's CPU is read from /proc, and the WAL
// written in each arm's stretch is read from pg_current_wal_lsn().
//   DATABASE_URL=postgres://postgres@127.0.0.1:55432/hookline [PAIRED=true] [DROP_INDEXES=] node bench/results/s32/index-cost.ts [batches] [rows]
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { migrate } from '../../../packages/db/src/migrate.ts';
import { INSERT_ATTEMPTS, INSERT_EVENTS, UPSERT_DELIVERIES, UPSERT_MINUTES } from '../../../services/tracker/src/repositories/tracking-sql.ts';

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:55432/hookline';
const BATCHES = Number(process.argv[2] ?? 300);
const ROWS = Number(process.argv[3] ?? 30);
const DROP = (process.env.DROP_INDEXES ?? 'attempts_endpoint_idx,attempts_tenant_idx').split(',').filter((ix) => ix !== '');
// PAIRED=true: the second arm writes no deliveries statement; its attempts carry the delivery record's fields instead
// (as the tracker writes a delivery whose attempt came in the same fetch).
const PAIRED = process.env.PAIRED === 'true';
const ways = ['all', 'dropped'] as const;

async function open(way: string) {
  const schema = `s32_idx_${way}_${process.pid}`;
  await migrate({ url, schema });
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`SET search_path TO ${client.escapeIdentifier(schema)}`);
  if (way === 'dropped') for (const ix of DROP) await client.query(`DROP INDEX ${client.escapeIdentifier(ix)}`);
  const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
  return { schema, client, pid };
}
const conns = { all: await open('all'), dropped: await open('dropped') };
const ticks = (pid: number): number => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(f[11]) + Number(f[12]);
};
const payload = { text: 'x'.repeat(1000) };
const SKIPPED = ['circuit_open', 'rate_limited', 'concurrency_limited', 'paused'];

async function write(client: pg.Client): Promise<void> {
  const base = Date.now();
  const now = new Date(base).toISOString();
  const events: object[] = [], deliveries: Array<Record<string, unknown> & { eventType: string; eventCreatedAt: string; createdAt: string }> = [], attempts: object[] = [];
  for (let i = 0; i < ROWS; i++) {
    const eventId = `msg_${randomUUID()}`, deliveryId = `dlv_${randomUUID()}`, endpointId = `ep_${i % 10}`;
    events.push({ id: eventId, tenantId: 't1', type: 'order.created', payload, createdAt: now, kafkaPartition: 0, kafkaOffset: String(i), traceparent: null });
    deliveries.push({ id: deliveryId, eventId, tenantId: 't1', endpointId, eventType: 'order.created', eventCreatedAt: now, createdAt: now });
    attempts.push({ attemptId: `atm_${randomUUID()}`, deliveryId, eventId, tenantId: 't1', endpointId, attempt: 1, outcome: 'success', status: 'succeeded', statusCode: 200, durationMs: 2, url: 'http://127.0.0.1:1/hook', startedAt: new Date(base - ROWS + i).toISOString() });
  }
  const tx = async (name: string, text: string, values: unknown[]) => {
    await client.query('BEGIN');
    await client.query({ name, text, values });
    await client.query('COMMIT');
  };
  await tx('e', INSERT_EVENTS, [JSON.stringify(events)]);
  const paired = PAIRED && client === conns.dropped.client;
  if (!paired && !(process.env.SKIP_DELIVERIES === 'true' && client === conns.dropped.client)) await tx('d', UPSERT_DELIVERIES, [JSON.stringify(deliveries)]);
  const rows = paired ? attempts.map((a, i) => ({ ...a, eventType: deliveries[i]!.eventType, eventCreatedAt: deliveries[i]!.eventCreatedAt, announcedAt: deliveries[i]!.createdAt })) : attempts;
  await tx('a', INSERT_ATTEMPTS, [JSON.stringify(rows), SKIPPED]);
  const minutes = Array.from({ length: 10 }, (_, i) => ({ endpointId: `ep_${i}`, minute: now.slice(0, 16) + ':00Z', attempts: 3, successes: 3, histogram: [3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] }));
  await tx('m', UPSERT_MINUTES, [JSON.stringify(minutes)]);
}

const result: Record<string, number[]> = { all: [], dropped: [] };
const wal: Record<string, number[]> = { all: [], dropped: [] };
const lsn = async (): Promise<bigint> => BigInt((await conns.all.client.query<{ b: string }>(`SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint::text AS b`)).rows[0]!.b);
for (const way of ways) for (let i = 0; i < 20; i++) await write(conns[way].client);
for (let round = 0; round < 8; round++) {
  for (const way of round % 2 === 0 ? ways : [...ways].reverse()) {
    const { client, pid } = conns[way];
    const w0 = await lsn();
    const t0 = ticks(pid);
    for (let i = 0; i < BATCHES; i++) await write(client);
    result[way]!.push(((ticks(pid) - t0) * 10) / BATCHES);
    wal[way]!.push(Number((await lsn()) - w0) / BATCHES / 1024);
  }
}
for (const way of ways) {
  const sorted = [...result[way]!].sort((a, b) => a - b);
  console.log(`${way === 'all' ? 'every index' : `${PAIRED ? 'deliveries written with their attempts' : ''}${DROP.length > 0 ? ` without ${DROP.join(', ')}` : ''}`}: backend CPU ms per batch (${ROWS} rows of each kind): ${result[way]!.map((v) => v.toFixed(2)).join(', ')}; median ${((sorted[3]! + sorted[4]!) / 2).toFixed(2)}; WAL KiB per batch ${wal[way]!.map((v) => v.toFixed(1)).join(', ')}`);
}
for (const way of ways) {
  const { client, schema } = conns[way];
  const size = await client.query<{ s: string }>(`SELECT pg_size_pretty(sum(pg_relation_size(i.indexrelid))) AS s FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname LIKE 'attempts%'`, [schema]);
  console.log(`${way}: the attempts partitions' indexes take ${size.rows[0]!.s}`);
  await client.query(`DROP SCHEMA ${client.escapeIdentifier(schema)} CASCADE`);
  await client.end();
}
