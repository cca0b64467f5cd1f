/**
 * How fast the tracker persists attempt records: fills a fresh attempts topic with N records, starts a tracker
 * process on it, and measures until every attempt row (with its delivery and rollups) is committed.
 *
 *   KAFKA_BROKERS=127.0.0.1:9092 DATABASE_URL=postgres://postgres@127.0.0.1:55432/hookline \
 *     node bench/tracker-throughput.ts [records=200000] [deliveries=records/4] [endpoints=50]
 *
 * Uses its own topic prefix and schema and removes them afterwards. Prints one line of results.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { attemptRecord, encodeRecord, newId, topicNames, type AttemptRecord } from '@hookline/contracts';
import { createPool } from '@hookline/db';
import { ACKS_ALL, createKafka, createProducer, ensureTopics } from '@hookline/kafka';

const brokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:55432/hookline';
const records = Number(process.argv[2] ?? 200_000);
const deliveries = Number(process.argv[3] ?? Math.ceil(records / 4));
const endpoints = Number(process.argv[4] ?? 50);
const partitions = 6;

const id = randomBytes(4).toString('hex');
const prefix = `bench.tracker_${id}`;
const schema = `bench_tracker_${id}`;
const topics = topicNames(prefix);
const kafka = createKafka({ brokers, clientId: `bench-${id}` });
const pool = createPool({ url: databaseUrl, schema, max: 2, applicationName: 'bench' });

const count = async () => {
  try {
    return Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM attempts')).rows[0]?.n ?? 0);
  } catch {
    return 0; // schema not migrated yet
  }
};

try {
  await ensureTopics(kafka, [topics.events, topics.deliveries, topics.attempts, topics.invalid].map((topic) => ({ topic })), { numPartitions: partitions, replicationFactor: 1 });
  const producer = createProducer(kafka);
  await producer.connect();
  const base = Date.now() - records;
  const t0 = Date.now();
  for (let i = 0; i < records; i += 2_000) {
    const chunk: AttemptRecord[] = [];
    for (let j = i; j < Math.min(records, i + 2_000); j++) {
      const ok = j % 5 !== 0;
      chunk.push({
        attemptId: newId('att'), deliveryId: `dlv_${j % deliveries}`, eventId: `evt_${j % deliveries}`, tenantId: 'ten_bench',
        endpointId: `ep_${j % endpoints}`, attempt: Math.floor(j / deliveries) + 1, outcome: ok ? 'succeeded' : 'http_error',
        status: ok ? 'succeeded' : 'retrying', statusCode: ok ? 200 : 503, durationMs: 20 + (j % 480), error: null,
        responseBody: ok ? '{"received":true}' : 'Service Unavailable',
        requestHeaders: { 'content-type': 'application/json', 'user-agent': 'Hookline/0.1.0', 'webhook-id': `evt_${j % deliveries}`, 'webhook-timestamp': '1767225600' },
        url: `https://receiver.example/hooks/${j % endpoints}`, startedAt: new Date(base + j).toISOString(),
        nextAttemptAt: ok ? null : new Date(base + j + 5_000).toISOString(),
      });
    }
    await producer.send({ topic: topics.attempts, acks: ACKS_ALL, messages: chunk.map((a) => ({ key: a.deliveryId, value: encodeRecord(attemptRecord, a) })) });
  }
  await producer.disconnect();
  const produceMs = Date.now() - t0;

  const started = Date.now();
  const child = spawn(process.execPath, ['services/tracker/src/main.ts'], {
    env: { ...process.env, KAFKA_BROKERS: brokers, DATABASE_URL: databaseUrl, DATABASE_SCHEMA: schema, TOPIC_PREFIX: prefix, HTTP_PORT: '0', OTEL_SDK_DISABLED: 'true', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  let firstRowAt = 0;
  let n = 0;
  const deadline = Date.now() + 15 * 60_000;
  while (n < records && Date.now() < deadline && child.exitCode === null) {
    await new Promise((r) => setTimeout(r, 100));
    n = await count();
    if (n > 0 && firstRowAt === 0) firstRowAt = Date.now();
  }
  const doneAt = Date.now();
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  if (n < records) throw new Error(`only ${n} of ${records} attempts persisted`);
  const counted = Number((await pool.query<{ n: string }>('SELECT sum(attempts) AS n FROM deliveries')).rows[0]?.n);
  const drainS = (doneAt - firstRowAt) / 1_000;
  console.log(JSON.stringify({
    records, deliveries, endpoints, partitions,
    produce_s: produceMs / 1_000,
    total_s_including_startup: (doneAt - started) / 1_000,
    drain_s: drainS,
    attempts_per_s: Math.round(records / drainS),
    deliveries_attempts_sum: counted,
  }));
} finally {
  await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => {});
  await pool.end();
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: (await admin.listTopics()).filter((t) => t.startsWith(`${prefix}.`)) }).catch(() => {});
  await admin.deleteGroups([`${prefix}.tracker`]).catch(() => {});
  await admin.disconnect();
}
