import { ACKS_ALL, CoalescingSender, CONSUMER_FETCH_SIZES, createProducer, ensureTopics, INTERNAL_FETCH_SIZES } from '@hookline/kafka';
import { createTestWorld, type TestWorld } from '@hookline/testing';
import type { Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const RECORDS = 150; // × 4 KiB: one ~600 KiB record batch per partition, as large as the dispatcher's coalesced sends

describe('consumer fetch sizes (real broker)', () => {
  let world: TestWorld;
  let producer: Producer;
  const topic = () => `${world.prefix}.fetch_sizes`;
  const internal = () => `${world.prefix}.fetch_sizes_internal`;

  beforeAll(async () => {
    world = createTestWorld('fetch-sizes');
    await ensureTopics(world.kafka, [{ topic: topic() }, { topic: internal() }], { numPartitions: 2, replicationFactor: 1 });
    producer = createProducer(world.kafka);
    await producer.connect();
    // One send is one record batch per partition.
    const value = 'b'.repeat(4 * 1_024);
    await producer.send({
      topic: topic(),
      acks: ACKS_ALL,
      messages: [0, 1].flatMap((partition) => Array.from({ length: RECORDS }, (_, i) => ({ partition, value: `${i}:${value}` }))),
    });
    // What the dispatcher writes to its own topics: the same records through a CoalescingSender (bounded requests).
    await new CoalescingSender(producer).send(
      internal(),
      [0, 1].flatMap((partition) => Array.from({ length: RECORDS }, (_, i) => ({ partition, value: `${i}:${value}` }))),
    );
  }, 60_000);
  afterAll(async () => {
    await producer?.disconnect();
    await world?.cleanup();
  });

  /** Consumes both partitions from the start; returns, per partition, the fetch (1, 2, …) its records came in. */
  async function fetchOfEachPartition(group: string, sizes: { maxBytes: number; maxBytesPerPartition: number }, from = topic()): Promise<number[]> {
    const consumer = world.kafka.consumer({ groupId: `${world.prefix}.${group}`, ...sizes });
    let fetches = 0;
    consumer.on(consumer.events.FETCH_START, () => fetches++);
    const fetchOf: number[] = [];
    const counts = [0, 0];
    await consumer.connect();
    await consumer.subscribe({ topics: [from], fromBeginning: true });
    const done = new Promise<void>((resolve) => {
      void consumer.run({
        eachBatch: async ({ batch }) => {
          fetchOf[batch.partition] ??= fetches;
          counts[batch.partition]! += batch.messages.length;
          if (counts[0] === RECORDS && counts[1] === RECORDS) resolve();
        },
      });
    });
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`consumed ${counts.join(' + ')} records`)), 60_000).unref());
    try {
      await Promise.race([done, timeout]);
    } finally {
      await consumer.disconnect();
    }
    return fetchOf;
  }

  it('with 256 KiB per partition, a larger batch comes only in a fetch where its partition is the first with records', async () => {
    // The broker sends every later partition's batch cut short, and kafkajs reads no record from it.
    const [a, b] = await fetchOfEachPartition('small', { maxBytes: 2 * 1024 * 1024, maxBytesPerPartition: 256 * 1_024 });
    expect(a).not.toBe(b);
  }, 90_000);

  it("Hookline's consumers take such batches from several partitions in one fetch", async () => {
    const [a, b] = await fetchOfEachPartition('hookline', CONSUMER_FETCH_SIZES);
    expect(a).toBe(b);
  }, 90_000);

  it("the dispatcher's own batches (bounded sender) come from both partitions in one fetch with the internal sizes", async () => {
    const [a, b] = await fetchOfEachPartition('internal', INTERNAL_FETCH_SIZES, internal());
    expect(a).toBe(b);
    // Without the sender's bound, one ~600 KiB batch per partition does not fit the internal share.
    const [c, d] = await fetchOfEachPartition('internal_unbounded', INTERNAL_FETCH_SIZES);
    expect(c).not.toBe(d);
  }, 90_000);
});
