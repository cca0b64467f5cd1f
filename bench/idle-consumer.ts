/**
 * What an idle kafkajs consumer costs its process, apart from Hookline: one consumer on a topic of N partitions whose
 * fetches the broker holds up to W ms, nothing produced; after a settling time (SETTLE_MS, default 5 s) it measures
 * WINDOW_MS (default 10 s) of the process's CPU and its Fetch requests. Prints one JSON line.
 *
 *   node bench/idle-consumer.ts [partitions=6] [maxWaitMs=100]
 *
 * Uses KAFKA_BROKERS (default 127.0.0.1:9092) and its own topic and group (the topic is deleted afterwards).
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createKafka } from '@hookline/kafka';
const id = randomBytes(4).toString('hex');
const topic = `bench.idle_${id}`;
const parts = Number(process.argv[2] ?? 6);
const wait = Number(process.argv[3] ?? 100);
const kafka = createKafka({ brokers: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092', clientId: `idle-${id}` });
const admin = kafka.admin(); await admin.connect();
await admin.createTopics({ topics: [{ topic, numPartitions: parts }], waitForLeaders: true });
const consumer = kafka.consumer({ groupId: `idle-${id}`, maxWaitTimeInMs: wait });
let fetches = 0;
consumer.on(consumer.events.REQUEST, (e: any) => { if (e.payload.apiName === 'Fetch') fetches++; });
await consumer.connect(); await consumer.subscribe({ topic }); await consumer.run({ eachBatch: async () => {} });
await sleep(Number(process.env.SETTLE_MS ?? 5000));
const f0 = fetches; const c0 = process.cpuUsage(); const t0 = performance.now();
await sleep(Number(process.env.WINDOW_MS ?? 10000));
const u = process.cpuUsage(c0); const s = (performance.now() - t0) / 1000;
console.log(JSON.stringify({ parts, wait, fetchesPerS: (fetches - f0) / s, cpuMsPerS: (u.user + u.system) / 1000 / s, cpuMsPerFetch: (u.user + u.system) / 1000 / (fetches - f0) }));
await consumer.disconnect(); await admin.deleteTopics({ topics: [topic] }); await admin.disconnect();
