import { randomBytes } from 'node:crypto';
import { waitFor } from '@hookline/testing';
import type { Admin, Kafka } from 'kafkajs';

/** Per group, the topics it consumes (a partition never committed counts from its low watermark). */
export type GroupTopics = Record<string, string[]>;

/** Records not yet consumed, per group: the sum over partitions of high watermark minus committed offset. */
export async function consumerLag(admin: Admin, groups: GroupTopics): Promise<Record<string, number>> {
  const lag: Record<string, number> = {};
  for (const [groupId, topics] of Object.entries(groups)) {
    lag[groupId] = 0;
    if (topics.length === 0) continue;
    const committed = await admin.fetchOffsets({ groupId, topics });
    for (const { topic, partitions } of committed) {
      const watermarks = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, p]));
      for (const p of partitions) {
        const w = watermarks.get(p.partition);
        if (!w) continue;
        const from = Number(p.offset) >= 0 ? Number(p.offset) : Number(w.low);
        lag[groupId] += Math.max(0, Number(w.high) - from);
      }
    }
  }
  return lag;
}

/** Every record value of a topic from the beginning up to its current end, as parsed JSON. */
export async function readTopic<T>(kafka: Kafka, topic: string, timeoutMs = 120_000): Promise<T[]> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]));
  await admin.disconnect();
  const values: T[] = [];
  const reached = new Map<number, number>();
  const consumer = kafka.consumer({ groupId: `chaos-reader-${randomBytes(4).toString('hex')}`, maxBytes: 10 * 1024 * 1024 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) {
          if (Number(m.offset) >= (ends.get(batch.partition) ?? 0)) continue;
          values.push(JSON.parse(m.value?.toString('utf8') ?? 'null') as T);
          reached.set(batch.partition, Number(m.offset) + 1);
        }
      },
    });
    await waitFor(() => [...ends].every(([p, end]) => end === 0 || (reached.get(p) ?? 0) >= end), {
      timeoutMs,
      intervalMs: 200,
      description: `${topic} read to its end`,
    });
  } finally {
    await consumer.disconnect();
  }
  return values;
}
