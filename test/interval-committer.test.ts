import { ACKS_ALL, createProducer, ensureTopics, IntervalCommitter, OffsetWatermark } from '@hookline/kafka';
import { createTestWorld, waitFor, type TestWorld } from '@hookline/testing';
import type { Admin, Consumer, EachBatchPayload, Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const RECORDS = 60; // per partition, each its own record batch

describe('IntervalCommitter (real broker)', () => {
  let world: TestWorld;
  let producer: Producer;
  let admin: Admin;
  const topic = () => `${world.prefix}.committer`;

  beforeAll(async () => {
    world = createTestWorld('committer');
    await ensureTopics(world.kafka, [{ topic: topic() }], { numPartitions: 2, replicationFactor: 1 });
    producer = createProducer(world.kafka);
    admin = world.kafka.admin();
    await Promise.all([producer.connect(), admin.connect()]);
    // One send per record: every record is a record batch of its own, so small fetches bring a few at a time.
    for (let i = 0; i < RECORDS; i++) {
      await producer.send({ topic: topic(), acks: ACKS_ALL, messages: [0, 1].map((partition) => ({ partition, value: `r${i}` })) });
    }
  }, 60_000);
  afterAll(async () => {
    await Promise.allSettled([producer?.disconnect(), admin?.disconnect()]);
    await world?.cleanup();
  });

  const committed = async (groupId: string): Promise<number[]> => {
    const [t] = await admin.fetchOffsets({ groupId, topics: [topic()] });
    return t!.partitions.sort((a, b) => a.partition - b.partition).map((p) => Number(p.offset));
  };

  /** A consumer whose fetches bring about one record batch per partition, so it handles many small batches. */
  function smallFetchConsumer(groupId: string): { consumer: Consumer; commits: () => number } {
    const consumer = world.kafka.consumer({ groupId, maxBytes: 256, maxBytesPerPartition: 128, maxWaitTimeInMs: 100 });
    let commits = 0;
    consumer.on(consumer.events.REQUEST, ({ payload }) => {
      if (payload.apiName === 'OffsetCommit') commits++;
    });
    return { consumer, commits: () => commits };
  }

  /** Runs `eachBatch` over the topic from the beginning, committing only through the committer under test. */
  async function consume(consumer: Consumer, eachBatch: (p: EachBatchPayload) => Promise<void>, partitionsConsumedConcurrently = 1): Promise<void> {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic()], fromBeginning: true });
    await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, partitionsConsumedConcurrently, eachBatch });
  }

  it('commits every partition up to what was done, in far fewer requests than batches', async () => {
    const groupId = `${world.prefix}.interval`;
    const { consumer, commits } = smallFetchConsumer(groupId);
    const committer = new IntervalCommitter(consumer, { intervalMs: 200, onError: (err) => { throw err; } });
    let batches = 0;
    await consume(consumer, ({ batch, resolveOffset }) =>
      committer.run(async () => {
        batches++;
        resolveOffset(batch.lastOffset());
        committer.done(batch.topic, batch.partition, batch.lastOffset());
      }),
    );
    try {
      await waitFor(async () => (await committed(groupId)).every((o) => o === RECORDS), { timeoutMs: 60_000, description: 'all offsets committed' });
      // kafkajs' autoCommit sends one OffsetCommit per batch; here one per interval at most.
      expect(batches).toBeGreaterThan(20);
      expect(commits()).toBeLessThan(batches / 2);
    } finally {
      await consumer.disconnect();
    }
  }, 90_000);

  it('stop lets the running batch finish and commits it before the consumer leaves', async () => {
    const groupId = `${world.prefix}.stopping`;
    const { consumer } = smallFetchConsumer(groupId);
    const committer = new IntervalCommitter(consumer, { intervalMs: 60_000, onError: (err) => { throw err; } });
    let entered!: () => void;
    const inBatch = new Promise<void>((r) => (entered = r));
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let last: { partition: number; offset: string } | undefined;
    await consume(consumer, ({ batch, resolveOffset }) =>
      committer.run(async () => {
        if (last) return; // only the first batch, held until released
        last = { partition: batch.partition, offset: batch.lastOffset() };
        entered();
        await released;
        resolveOffset(batch.lastOffset());
        committer.done(batch.topic, batch.partition, batch.lastOffset());
      }),
    );
    await inBatch;
    // The batch is still running when stop begins; nothing was committed yet (the interval is a minute).
    const stopping = committer.stop([topic()], 30_000);
    release();
    await stopping;
    await consumer.disconnect();
    const offsets = await committed(groupId);
    expect(offsets[last!.partition]).toBe(Number(last!.offset) + 1);
  }, 90_000);

  it('with a watermark, records finished out of order are committed only up to the lowest unfinished one', async () => {
    const groupId = `${world.prefix}.watermark`;
    const { consumer } = smallFetchConsumer(groupId);
    const committer = new IntervalCommitter(consumer, { intervalMs: 50, onError: (err) => { throw err; } });
    const mark = new OffsetWatermark();
    const SLOW = 5n;
    let started = 0;
    await consume(consumer, ({ batch, resolveOffset }) =>
      committer.run(async () => {
        if (batch.partition !== 0) return;
        // Started in order, finished newest first, all but the slow one: its successors finish before it.
        const offsets = batch.messages.map((m) => BigInt(m.offset)).filter((o) => !mark.seen(o));
        for (const o of offsets) mark.start(o);
        for (const o of offsets.reverse()) {
          if (o === SLOW) continue;
          mark.finish(o);
          committer.advance(batch.topic, batch.partition, mark);
        }
        started += offsets.length;
        resolveOffset(batch.lastOffset());
      }),
    );
    try {
      await waitFor(() => started === RECORDS, { timeoutMs: 60_000, description: 'every record of partition 0 started' });
      await waitFor(async () => (await committed(groupId))[0] === Number(SLOW), { timeoutMs: 30_000, description: 'committed up to the slow record' });
      await committer.flush();
      expect((await committed(groupId))[0]).toBe(Number(SLOW));
      mark.finish(SLOW);
      committer.advance(topic(), 0, mark);
      await committer.flush();
      expect((await committed(groupId))[0]).toBe(RECORDS);
    } finally {
      await consumer.disconnect();
    }
  }, 90_000);
});
