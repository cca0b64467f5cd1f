import { CoalescingSender, createProducer, ensureTopics, placedPartition, producedOffset, requestCounts } from '@hookline/kafka';
import { createTestWorld, waitFor, type TestWorld } from '@hookline/testing';
import type { Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordCount } from './support/pipeline.ts';

describe('CoalescingSender against the real broker', () => {
  let world: TestWorld;
  let producer: Producer;
  const topic = () => `${world.prefix}.coalesce`;

  beforeAll(async () => {
    world = createTestWorld('coalescing-sender');
    await ensureTopics(world.kafka, [{ topic: topic(), numPartitions: 1 }], { numPartitions: 1, replicationFactor: 1 });
    producer = createProducer(world.kafka);
    await producer.connect();
  });
  afterAll(async () => {
    await producer?.disconnect();
    await world?.cleanup();
  });

  it('splits a send larger than the broker accepts in one record batch, and acknowledges it whole', async () => {
    const sender = new CoalescingSender(producer);
    const value = 'x'.repeat(1_024);
    // 3 MiB to one partition: a single request would exceed the broker's 1 MiB message.max.bytes.
    await sender.send(topic(), Array.from({ length: 3_000 }, (_, i) => ({ key: String(i), value })));
    expect(await recordCount(world, topic())).toBe(3_000);
  });

  it('lets concurrent callers share requests, each resolving once its own records are on the log', async () => {
    const sender = new CoalescingSender(producer);
    const before = await recordCount(world, topic());
    await Promise.all(Array.from({ length: 200 }, (_, i) => sender.send(topic(), [{ key: `c${i}`, value: `v${i}` }])));
    expect(await recordCount(world, topic())).toBe(before + 200);
  });

  it('spreads requests over several producers (lanes) and still acknowledges every caller', async () => {
    const second = createProducer(world.kafka);
    await second.connect();
    try {
      const sender = new CoalescingSender([producer, second]);
      const before = await recordCount(world, topic());
      const value = 'y'.repeat(2_048);
      await Promise.all(Array.from({ length: 400 }, (_, i) => sender.send(topic(), [{ key: `l${i}`, value }])));
      expect(await recordCount(world, topic())).toBe(before + 400);
    } finally {
      await second.disconnect();
    }
  });

  it('lets records that may linger ride along with the next send that may not, and sends them alone once the linger is over', async () => {
    const produces = () => requestCounts(world.kafka).find(([role, api]) => role === 'producer' && api === 'Produce')?.[2] ?? 0;
    const before = await recordCount(world, topic());
    const sender = new CoalescingSender(producer, { lingerMs: 60_000 });
    const p0 = produces();
    const lingering = sender.send(topic(), [{ key: 'attempt', value: 'lingers' }], { linger: true });
    await sender.send(topic(), [{ key: 'delivery', value: 'urgent' }]);
    await lingering;
    expect(produces() - p0).toBe(1);

    const alone = new CoalescingSender(producer, { lingerMs: 50 });
    const t0 = performance.now();
    await alone.send(topic(), [{ key: 'attempt', value: 'alone' }], { linger: true });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(40);
    expect(await recordCount(world, topic())).toBe(before + 3);
  });

  it('fails only the caller whose records the broker refuses; the others sharing its request are sent again alone', async () => {
    const small = `${world.prefix}.coalesce-small`;
    await ensureTopics(world.kafka, [{ topic: small, numPartitions: 1, configEntries: [{ name: 'max.message.bytes', value: '512' }] }], { numPartitions: 1, replicationFactor: 1 });
    const before = await recordCount(world, topic());
    const sender = new CoalescingSender(producer, { lingerMs: 60_000 });
    // Both linger until the last send, which takes them along: one request, records for both topics.
    const refused = sender.send(small, [{ key: 'big', value: 'z'.repeat(4_096) }], { linger: true });
    const fine = sender.send(topic(), [{ key: 'ok', value: 'fits' }], { linger: true });
    const urgent = sender.send(small, [{ key: 'small', value: 'tiny' }]);
    const outcomes = await Promise.allSettled([refused, fine, urgent]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    expect(await recordCount(world, topic())).toBe(before + 1);
    expect(await recordCount(world, small)).toBe(1);
  });

  it('remembers the partition and offset the broker gave each message of a shared request (what the dispatcher hands over)', async () => {
    const many = `${world.prefix}.placed`;
    await ensureTopics(world.kafka, [{ topic: many, numPartitions: 4 }], { numPartitions: 4, replicationFactor: 1 });
    const sender = new CoalescingSender(producer);
    const messages = Array.from({ length: 60 }, (_, i) => ({ key: `k${i % 7}`, value: `v${i}` }));
    // Several callers at once, so that their records share requests and partitions.
    await Promise.all([0, 1, 2].map((c) => sender.send(many, messages.slice(c * 20, c * 20 + 20))));
    const found = new Map<string, string>();
    const consumer = world.kafka.consumer({ groupId: `${world.prefix}.placed-reader` });
    await consumer.connect();
    await consumer.subscribe({ topic: many, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ partition, message }) => void found.set(message.value!.toString(), `${partition}/${message.offset}`) });
    await waitFor(() => (found.size === 60 ? true : undefined), { timeoutMs: 30_000, description: 'all 60 records read back' });
    await consumer.disconnect();
    for (const m of messages) expect(`${placedPartition(m)}/${producedOffset(m)}`, m.value).toBe(found.get(m.value));
  });
});
