import { createProducer, ensureTopics, paceFetches, type FetchPace } from '@hookline/kafka';
import { createTestWorld, waitFor, type TestWorld } from '@hookline/testing';
import type { Consumer, Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * `paceFetches` against the real broker: the pace chosen before a fetch is the one the broker holds it to (a fetch
 * waiting for 16 KiB returns nine 1 KiB records only with a tenth of 8 KiB, in one batch), and undefined gives
 * the consumer its own settings back (a single record comes at once, not after the paced 20 s).
 */
describe('fetch pace (real broker)', () => {
  let world: TestWorld;
  let producer: Producer;
  let consumer: Consumer | undefined;
  const topic = () => `${world.prefix}.paced`;

  beforeAll(async () => {
    world = createTestWorld('fetch-pace');
    await ensureTopics(world.kafka, [{ topic: topic(), numPartitions: 1 }], { numPartitions: 1, replicationFactor: 1 });
    producer = createProducer(world.kafka);
    await producer.connect();
  });
  afterAll(async () => {
    await consumer?.disconnect();
    await producer?.disconnect();
    await world?.cleanup();
  });

  it('holds fetches to the chosen pace, and gives the consumer its own settings back', async () => {
    const held: FetchPace = { minBytes: 16 * 1024, maxWaitTimeInMs: 20_000 };
    let pace: FetchPace | undefined = held;
    let fetches = 0;
    const batches: string[][] = [];
    consumer = world.kafka.consumer({ groupId: `${world.prefix}.paced`, maxWaitTimeInMs: 100 });
    paceFetches(consumer, () => pace);
    consumer.on(consumer.events.FETCH_START, () => fetches++);
    await consumer.connect();
    await consumer.subscribe({ topics: [topic()], fromBeginning: true });
    await consumer.run({ eachBatch: async ({ batch }) => void batches.push(batch.messages.map((m) => m.value!.toString().slice(0, 4))) });
    await waitFor(() => fetches >= 1, { timeoutMs: 30_000, description: 'the first (held) fetch' });

    const kib = (n: number, size = 1_024) => `r${String(n).padStart(3, '0')}`.padEnd(size, '.');
    for (let i = 0; i < 9; i++) await producer.send({ topic: topic(), messages: [{ value: kib(i) }] });
    // Taken at the next fetch; the one at the broker still waits for its 16 KiB.
    pace = undefined;
    await producer.send({ topic: topic(), messages: [{ value: kib(9, 8 * 1_024) }] });
    await waitFor(() => batches.flat().length >= 10, { timeoutMs: 15_000, description: 'the ten records' });
    expect(batches[0]).toHaveLength(10);

    await producer.send({ topic: topic(), messages: [{ value: kib(10) }] });
    await waitFor(() => batches.flat().includes('r010'), { timeoutMs: 10_000, description: 'a record fetched at once (paced, it would wait 20 s)' });
  }, 60_000);
});
