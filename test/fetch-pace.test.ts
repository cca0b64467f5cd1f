import { createProducer, ensureTopics, paceFetches, type FetchPace, type QuietFetches } from '@hookline/kafka';
import { createTestWorld, waitFor, type TestWorld } from '@hookline/testing';
import type { Consumer, Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * `paceFetches` against the real broker: the pace chosen before a fetch is the one the broker holds it to (a fetch
 * waiting for 16 KiB returns nine 1 KiB records only with a tenth of 8 KiB, in one batch), and undefined gives
 * the consumer its own settings back (a single record comes at once, not after the paced 20 s). A quiet consumer (no
 * record for a while, nothing paused) is held longer but answered on the first record, whatever its own `minBytes`.
 */
describe('fetch pace (real broker)', () => {
  let world: TestWorld;
  let producer: Producer;
  let consumer: Consumer | undefined;
  let quietConsumer: Consumer | undefined;
  const topic = () => `${world.prefix}.paced`;
  const quietTopic = () => `${world.prefix}.quiet`;

  beforeAll(async () => {
    world = createTestWorld('fetch-pace');
    await ensureTopics(world.kafka, [{ topic: topic(), numPartitions: 1 }, { topic: quietTopic(), numPartitions: 2 }], { numPartitions: 1, replicationFactor: 1 });
    producer = createProducer(world.kafka);
    await producer.connect();
  });
  afterAll(async () => {
    await consumer?.disconnect();
    await quietConsumer?.disconnect();
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

  it('holds a quiet consumer longer, answers it on the first record, and is not quiet with a partition paused', async () => {
    // Own pace: 64 KiB or 100 ms. Quiet after 1 s without a record: up to 8 s, on the first byte.
    const quiet: QuietFetches = { afterMs: 1_000, maxWaitTimeInMs: 8_000 };
    const durations: number[] = [];
    const received: string[] = [];
    const c = (quietConsumer = world.kafka.consumer({ groupId: `${world.prefix}.quiet`, minBytes: 64 * 1024, maxWaitTimeInMs: 100 }));
    paceFetches(c, () => undefined, { quiet });
    c.on(c.events.FETCH, ({ payload }) => void durations.push(payload.duration));
    await c.connect();
    await c.subscribe({ topics: [quietTopic()], fromBeginning: true });
    await c.run({ eachBatch: async ({ batch }) => void received.push(...batch.messages.map((m) => m.value!.toString())) });

    // Its own fetches last ~100 ms; once quiet, the broker holds one for the quiet wait.
    await waitFor(() => durations.some((d) => d >= 4_000), { timeoutMs: 30_000, description: 'a fetch held while the consumer is quiet' });
    // The next fetch is quiet too: a small record ends it at once (with its own 64 KiB it would wait the 8 s).
    await producer.send({ topic: quietTopic(), messages: [{ partition: 0, value: 'q1' }] });
    await waitFor(() => received.includes('q1'), { timeoutMs: 5_000, description: 'the record answered a quiet fetch at once' });
    // Then its own pace again: short fetches.
    const afterRecord = durations.length;
    await waitFor(() => durations.slice(afterRecord).some((d) => d < 1_000), { timeoutMs: 15_000, description: 'a short fetch after the record' });

    // A paused partition keeps the consumer at its own pace (a resume would otherwise wait behind a held fetch):
    // thirty fetches after the pause, three seconds' worth, none held.
    c.pause([{ topic: quietTopic(), partitions: [0] }]);
    const afterPause = durations.length;
    await waitFor(() => durations.length >= afterPause + 30, { timeoutMs: 30_000, description: 'thirty fetches with a partition paused' });
    expect(Math.max(...durations.slice(afterPause + 1))).toBeLessThan(1_000);
  }, 90_000);
});
