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
import { call, createTenant } from '../test/support/pipeline.ts';
import { startInProcessStack } from './lib/in-process-stack.ts';

const stack = await startInProcessStack('kd');
const { env, pipeline, admin, prefix } = stack;
const events = Number(process.argv[2] ?? 5_000);
const destTopic = `${prefix}.destination`;
try {
  await admin.createTopics({ topics: [{ topic: destTopic, numPartitions: 6 }], waitForLeaders: true });
  const tenant = await createTenant(pipeline.api, env.ADMIN_TOKEN);
  const ep = await call('POST', `${pipeline.api}/v1/endpoints`, tenant.apiKey, { type: 'kafka', maxConcurrency: 1_000, kafka: { bootstrapServers: [env.KAFKA_BROKERS], topic: destTopic } });
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
  await stack.stop();
}
