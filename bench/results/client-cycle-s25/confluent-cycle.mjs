import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import ck from '@confluentinc/kafka-javascript';
const { Kafka } = ck.KafkaJS;
const brokers = [process.env.KAFKA_BROKERS ?? '127.0.0.1:9092'];
const records = Math.max(100, Number(process.argv[2] ?? 1000));
const linger = Number(process.env.LINGER ?? 0);
const id = randomBytes(4).toString('hex');
const topic = `bench.ck_${id}`;
const value = Buffer.alloc(1200, 'x');
const cpuMs = (since) => { const u = process.cpuUsage(since); return (u.user + u.system) / 1000; };
const round = (v) => Math.round(v * 1000) / 1000;
const kafka = new Kafka({ kafkaJS: { brokers, clientId: `bench-${id}`, logLevel: 1 } });
const admin = kafka.admin();
await admin.connect();
await admin.createTopics({ topics: [{ topic, numPartitions: 6 }] });
await sleep(1000);
const producer = kafka.producer({ kafkaJS: { idempotent: true, acks: -1 }, 'linger.ms': linger });
await producer.connect();
const consumer = kafka.consumer({ kafkaJS: { groupId: `bench-ck-${id}`, fromBeginning: false, maxWaitTimeInMs: 100, autoCommit: false } });
let received = 0, batches = 0, wake;
try {
  const send = (n, from) => producer.send({ topic, messages: Array.from({ length: n }, (_, i) => ({ key: `k${from + i}`, value })) });
  for (let i = 0; i < 200; i++) await send(1, i);
  let c0 = process.cpuUsage();
  for (let i = 0; i < records; i++) await send(1, i);
  const sendMs = cpuMs(c0) / records;
  await consumer.connect();
  await consumer.subscribe({ topics: [topic] });
  await consumer.run({ eachBatch: async ({ batch }) => { batches++; received += batch.messages.length; wake?.(); } });
  await sleep(6000);
  const waitFor = async (n) => {
    const deadline = Date.now() + 60000;
    while (received < n) {
      if (Date.now() > deadline) throw new Error(`only ${received} of ${n}`);
      await new Promise((r) => { wake = r; setTimeout(r, 1000).unref(); });
    }
  };
  c0 = process.cpuUsage(); let t0 = performance.now();
  await sleep(3000);
  const idleMsPerS = cpuMs(c0) / ((performance.now() - t0) / 1000);
  received = 0; batches = 0;
  c0 = process.cpuUsage(); t0 = performance.now();
  for (let i = 0; i < records; i++) { await send(1, i); await waitFor(i + 1); }
  const single = cpuMs(c0) - idleMsPerS * ((performance.now() - t0) / 1000);
  const singleWall = (performance.now() - t0) / records;
  const sb = batches;
  received = 0; batches = 0;
  c0 = process.cpuUsage(); t0 = performance.now();
  for (let i = 0; i < records; i += 100) await send(Math.min(100, records - i), i);
  await waitFor(records);
  const bulk = cpuMs(c0) - idleMsPerS * ((performance.now() - t0) / 1000);
  console.log(JSON.stringify({ client: 'confluent', linger, records, send_one_record_cpu_ms: round(sendMs), idle_consumer_cpu_ms_per_s: round(idleMsPerS),
    one_per_fetch: { batches: sb, cpu_ms_per_record: round(single / records), fetch_cycle_cpu_ms: round(single / records - sendMs), wall_ms: round(singleWall) },
    hundred_per_send: { batches, cpu_ms_per_record: round(bulk / records) }, node: process.version }));
} finally {
  await consumer.disconnect().catch((e) => console.error(e));
  await producer.disconnect().catch(() => {});
  await admin.deleteTopics({ topics: [topic] }).catch(() => {});
  await admin.disconnect();
}
