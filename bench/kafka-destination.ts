/**
 * Deliveries per second to a Kafka-topic destination (issue 22): runs ingest, dispatcher and tracker in-process on a
 * schema and topic prefix of its own, creates one `kafka` endpoint whose destination topic lives on the same local
 * broker, publishes N events through the API (batches of 500) and times from the first publish until all N records
 * are on the destination topic (high watermarks).
 *
 *   KAFKA_BROKERS=127.0.0.1:9092 DATABASE_URL=postgres://postgres@127.0.0.1:55432/hookline \
 *     node_modules/.bin/node bench/kafka-destination.ts [events=5000]
 *
 * Removes its topics and schema afterwards. Prints one line of results.
 */
import { randomBytes } from 'node:crypto';
import { groupIds, topicNames } from '@hookline/contracts';
import { createPool, generateEncryptionKey } from '@hookline/db';
import { createKafka } from '@hookline/kafka';
import type { TestWorld } from '@hookline/testing';
import { call, createTenant, startPipeline } from '../test/support/pipeline.ts';

const brokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:55432/hookline';
const events = Number(process.argv[2] ?? 5_000);
const id = randomBytes(4).toString('hex');
const prefix = `bench.kd_${id}`;
const schema = `bench_kd_${id}`;
const destTopic = `${prefix}.destination`;
const kafka = createKafka({ brokers, clientId: `bench-${id}` });
const pool = createPool({ url: databaseUrl, schema, max: 2, applicationName: 'bench' });
const env = {
  KAFKA_BROKERS: brokers, DATABASE_URL: databaseUrl, DATABASE_SCHEMA: schema, TOPIC_PREFIX: prefix, TOPIC_PARTITIONS: '6',
  ENCRYPTION_KEY: generateEncryptionKey(), ADMIN_TOKEN: `admin_${randomBytes(16).toString('hex')}`,
  ALLOW_HTTP_TARGETS: 'true', ALLOW_PRIVATE_TARGETS: 'true', OTEL_SDK_DISABLED: 'true', LOG_LEVEL: 'warn', HTTP_PORT: '0',
  TENANT_PUBLISH_RATE: '100000',
};
const world = { env, prefix, schema, topics: topicNames(prefix), groups: groupIds(prefix), kafka, pool, kafkaBrokers: brokers, databaseUrl } as unknown as TestWorld;
const admin = kafka.admin();
await admin.connect();
const pipeline = await startPipeline(world);
try {
  await admin.createTopics({ topics: [{ topic: destTopic, numPartitions: 6 }], waitForLeaders: true });
  const tenant = await createTenant(pipeline.api, env.ADMIN_TOKEN);
  const ep = await call('POST', `${pipeline.api}/v1/endpoints`, tenant.apiKey, { type: 'kafka', maxConcurrency: 1_000, kafka: { bootstrapServers: [brokers], topic: destTopic } });
  if (ep.status !== 201) throw new Error(`endpoint: ${ep.status} ${JSON.stringify(ep.json)}`);
  const onTopic = async () => (await admin.fetchTopicOffsets(destTopic)).reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
  const t0 = performance.now();
  const batches = [];
  for (let i = 0; i < events; i += 500) {
    const n = Math.min(500, events - i);
    batches.push(call('POST', `${pipeline.api}/v1/events/batch`, tenant.apiKey, { events: Array.from({ length: n }, (_, j) => ({ type: 'bench.kafka', data: { n: i + j } })) }));
  }
  for (const res of await Promise.all(batches)) if (res.status !== 202) throw new Error(`publish: ${res.status} ${JSON.stringify(res.json)}`);
  const published = performance.now() - t0;
  const deadline = Date.now() + 300_000;
  let count = 0;
  while ((count = await onTopic()) < events && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  const seconds = (performance.now() - t0) / 1000;
  console.log(`kafka destination: ${count}/${events} records on the destination topic in ${seconds.toFixed(2)} s (publish ${(published / 1000).toFixed(2)} s) = ${(count / seconds).toFixed(0)} deliveries/s`);
} finally {
  await pipeline.stop();
  const mine = (await admin.listTopics()).filter((t) => t.startsWith(`${prefix}.`));
  if (mine.length > 0) await admin.deleteTopics({ topics: mine }).catch(() => {});
  const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(`${prefix}.`));
  if (groups.length > 0) await admin.deleteGroups(groups).catch(() => {});
  await admin.disconnect();
  await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await pool.end();
}
