/**
 * What one kafkajs round costs in CPU, apart from Hookline: a produce request (acks=all, idempotent producer, one
 * 1.2 KiB record) and a consumer's fetch cycle (fetch → `eachBatch` → next fetch) that brings one record, against
 * the same records arriving a hundred at a time. It explains why a delivery costs the dispatcher several times more
 * CPU at moderate rates (a fetch cycle and a send per hop for a single record) than under a backlog.
 *
 *   KAFKA_BROKERS=127.0.0.1:9092 node bench/kafkajs-cycle.ts [records=1000]
 *
 * Uses its own topic (deleted afterwards) and consumer group; CPU is this process's (`process.cpuUsage`, all
 * threads), the idle consumer's own CPU (its empty fetches) subtracted. Prints one JSON line.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ACKS_ALL, createKafka, createProducer } from '@hookline/kafka';

const brokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
const records = Math.max(100, Number(process.argv[2] ?? 1_000));
const id = randomBytes(4).toString('hex');
const topic = `bench.kafkajs_${id}`;
const kafka = createKafka({ brokers, clientId: `bench-${id}` });
const admin = kafka.admin();
const value = Buffer.alloc(1_200, 'x');
const cpuMs = (since: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1_000;
};
const round = (v: number) => Math.round(v * 1_000) / 1_000;

await admin.connect();
await admin.createTopics({ topics: [{ topic, numPartitions: 6 }], waitForLeaders: true });
const producer = createProducer(kafka);
await producer.connect();
const consumer = kafka.consumer({ groupId: `bench-kafkajs-${id}`, maxWaitTimeInMs: 100 });
let received = 0;
let batches = 0;
let wake: (() => void) | undefined;
try {
  const send = (n: number, from: number) =>
    producer.send({ topic, acks: ACKS_ALL, messages: Array.from({ length: n }, (_, i) => ({ key: `k${from + i}`, value })) });
  for (let i = 0; i < 200; i++) await send(1, i); // warm-up

  // 1. Sends of one record, one after another, nothing consuming.
  let c0 = process.cpuUsage();
  for (let i = 0; i < records; i++) await send(1, i);
  const sendMs = cpuMs(c0) / records;

  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: false });
  await consumer.run({ autoCommit: false, eachBatch: async ({ batch }) => {
    batches++;
    received += batch.messages.length;
    wake?.();
  } });
  await sleep(4_000); // joined, fetching
  // Woken by eachBatch itself (no polling timer adding its own CPU).
  const waitFor = async (n: number) => {
    const deadline = Date.now() + 60_000;
    while (received < n) {
      if (Date.now() > deadline) throw new Error(`only ${received} of ${n} records consumed in 60 s`);
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 1_000).unref();
      });
    }
  };

  // 2. The idle consumer (empty fetches that wait up to maxWaitTimeInMs).
  c0 = process.cpuUsage();
  let t0 = performance.now();
  await sleep(3_000);
  const idleMsPerS = cpuMs(c0) / ((performance.now() - t0) / 1_000);

  // 3. One record per fetch: each record sent after the previous one was consumed.
  received = 0;
  batches = 0;
  c0 = process.cpuUsage();
  t0 = performance.now();
  for (let i = 0; i < records; i++) {
    await send(1, i);
    await waitFor(i + 1);
  }
  const single = { cpu: cpuMs(c0) - idleMsPerS * ((performance.now() - t0) / 1_000), batches };

  // 4. The same records a hundred per send, consumed in large batches.
  received = 0;
  batches = 0;
  c0 = process.cpuUsage();
  t0 = performance.now();
  for (let i = 0; i < records; i += 100) await send(Math.min(100, records - i), i);
  await waitFor(records);
  const bulk = { cpu: cpuMs(c0) - idleMsPerS * ((performance.now() - t0) / 1_000), batches };

  console.log(JSON.stringify({
    records,
    send_one_record_cpu_ms: round(sendMs),
    idle_consumer_cpu_ms_per_s: round(idleMsPerS),
    one_per_fetch: { batches: single.batches, cpu_ms_per_record: round(single.cpu / records), fetch_cycle_cpu_ms: round(single.cpu / records - sendMs) },
    hundred_per_send: { batches: bulk.batches, cpu_ms_per_record: round(bulk.cpu / records) },
    node: process.version,
  }));
} finally {
  await consumer.disconnect().catch(() => {});
  await producer.disconnect().catch(() => {});
  await admin.deleteTopics({ topics: [topic] }).catch(() => {});
  await admin.disconnect();
}
