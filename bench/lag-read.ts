/**
 * What one read of `hookline_consumer_lag` costs, the way a dispatcher scrape reads it: three groups over eleven
 * topics of six partitions (events; deliveries; nine retry tiers, never committed), the fan-out and deliver groups
 * committed. Two ways, alternating in rounds: kafkajs' admin (`fetchOffsets` per group, `fetchTopicOffsets` per topic,
 * as `registerLagMetrics` read it before) and `LagReader`. Per read: Kafka requests, this process's CPU and the
 * broker's (its JVM's utime + stime from /proc). Prints one JSON line per round and a summary.
 *
 *   node bench/lag-read.ts [reads=200] [rounds=3]
 *
 * Uses KAFKA_BROKERS (default 127.0.0.1:9092) and topics and groups of its own (deleted afterwards).
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { countRequests, createKafka, LagReader, requestCounts, type LagSource } from '@hookline/kafka';
import type { Admin } from 'kafkajs';
import { sampleProc } from './lib/proc-stats.ts';

const reads = Number(process.argv[2] ?? 200);
const rounds = Number(process.argv[3] ?? 3);
const id = randomBytes(4).toString('hex');
const p = `bench.lag_${id}`;
const topics = { events: `${p}.events`, deliveries: `${p}.deliveries`, tiers: Array.from({ length: 9 }, (_, i) => `${p}.retry.${i}`) };
const all = [topics.events, topics.deliveries, ...topics.tiers];
const sources: LagSource[] = [
  { groupId: `${p}.fanout`, topics: [topics.events] },
  { groupId: `${p}.deliver`, topics: [topics.deliveries] },
  { groupId: `${p}.retry`, topics: topics.tiers },
];

const brokerPid = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).find((d) => {
  try {
    return readFileSync(`/proc/${d}/cmdline`, 'utf8').includes('kafka.Kafka');
  } catch {
    return false;
  }
});
if (!brokerPid) throw new Error('no local broker (a JVM running kafka.Kafka) to measure');
const brokerCpu = () => sampleProc(Number(brokerPid))?.cpuSeconds ?? Number.NaN;

const kafka = countRequests(createKafka({ brokers: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092', clientId: `lag-${id}` }));
const admin = kafka.admin();
await admin.connect();
await admin.createTopics({ topics: all.map((topic) => ({ topic, numPartitions: 6 })), waitForLeaders: true });
const producer = kafka.producer();
await producer.connect();
for (const topic of [topics.events, topics.deliveries]) {
  await producer.send({ topic, messages: Array.from({ length: 60 }, (_, i) => ({ partition: i % 6, value: 'x' })) });
}
await admin.setOffsets({ groupId: sources[0]!.groupId, topic: topics.events, partitions: Array.from({ length: 6 }, (_, partition) => ({ partition, offset: '8' })) });
await admin.setOffsets({ groupId: sources[1]!.groupId, topic: topics.deliveries, partitions: Array.from({ length: 6 }, (_, partition) => ({ partition, offset: '9' })) });
await producer.disconnect();

/** The read `registerLagMetrics` did before LagReader: per group `fetchOffsets`, then per topic `fetchTopicOffsets`. */
async function adminRead(a: Admin): Promise<number> {
  let total = 0;
  for (const { groupId, topics: ts } of sources) {
    const committed = await a.fetchOffsets({ groupId, topics: [...ts] });
    for (const { topic, partitions } of committed) {
      const ends = await a.fetchTopicOffsets(topic);
      for (const end of ends) {
        const mine = partitions.find((x) => x.partition === end.partition);
        const offset = mine && Number(mine.offset) >= 0 ? Number(mine.offset) : Number(end.low);
        total += Math.max(0, Number(end.high) - offset);
      }
    }
  }
  return total;
}

const reader = new LagReader(kafka);
const readerRead = async () => (await reader.read(sources)).reduce((sum, l) => sum + l.lag, 0);
const requests = () => requestCounts(kafka).filter(([role]) => role === 'admin').reduce((s, [, , n]) => s + n, 0);

const ways: Record<string, () => Promise<number>> = { admin: () => adminRead(admin), reader: readerRead };
const expected = await ways.admin!();
for (const [name, read] of Object.entries(ways)) {
  for (let i = 0; i < 20; i++) {
    const got = await read();
    if (got !== expected) throw new Error(`${name}: lag ${got}, expected ${expected}`);
  }
}

const results: Record<string, Array<{ requests: number; cpuMs: number; brokerMs: number }>> = { admin: [], reader: [] };
for (let round = 1; round <= rounds; round++) {
  for (const [name, read] of Object.entries(ways)) {
    const r0 = requests();
    const c0 = process.cpuUsage();
    const b0 = brokerCpu();
    for (let i = 0; i < reads; i++) await read();
    const c = process.cpuUsage(c0);
    const row = {
      requests: (requests() - r0) / reads,
      cpuMs: Math.round(((c.user + c.system) / 1000 / reads) * 100) / 100,
      brokerMs: Math.round(((brokerCpu() - b0) * 1000 / reads) * 100) / 100,
    };
    results[name]!.push(row);
    console.log(JSON.stringify({ round, way: name, reads, lag: expected, ...row }));
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(JSON.stringify(Object.fromEntries(Object.entries(results).map(([name, rows]) => [name, {
  requestsPerRead: median(rows.map((r) => r.requests)),
  cpuMsPerRead: median(rows.map((r) => r.cpuMs)),
  brokerMsPerRead: median(rows.map((r) => r.brokerMs)),
}]))));

await reader.close();
await admin.deleteTopics({ topics: all });
await admin.disconnect();
