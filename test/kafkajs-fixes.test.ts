import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { createServer, type Socket } from 'node:net';
import { CoalescingSender, createKafka, createProducer, ensureTopics, placedPartition } from '@hookline/kafka';
import { createTestWorld, waitFor, type TestWorld } from '@hookline/testing';
import { Kafka, logLevel, type Batch, type KafkaMessage, type Message } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const RequestQueue = createRequire(import.meta.url)('kafkajs/src/network/requestQueue/index.js') as {
  prototype: { checkPendingRequests(this: unknown): void };
};

describe('kafkajs request queue fix (tulios/kafkajs#1704)', () => {
  let world: TestWorld;
  beforeAll(() => {
    world = createTestWorld('kafkajs-fixes');
  });
  afterAll(async () => {
    await world?.cleanup();
  });

  it('an idle connection does not re-check its queue every millisecond (real broker)', async () => {
    const kafka = createKafka({ brokers: world.kafkaBrokers, clientId: 'kafkajs-fixes' });
    const admin = kafka.admin();
    await admin.connect();
    const original = RequestQueue.prototype.checkPendingRequests;
    let checks = 0;
    RequestQueue.prototype.checkPendingRequests = function (this: unknown) {
      checks++;
      original.call(this);
    };
    try {
      await admin.listTopics();
      const afterRequest = checks;
      await new Promise((r) => setTimeout(r, 500));
      // Unpatched kafkajs re-arms a 1 ms timer for ever after a response: hundreds of checks in 500 ms.
      expect(checks - afterRequest).toBeLessThan(5);
      // Requests still complete (a waiting request is checked when an in-flight one completes).
      await Promise.all(Array.from({ length: 20 }, () => admin.listTopics()));
    } finally {
      RequestQueue.prototype.checkPendingRequests = original;
      await admin.disconnect();
    }
  }, 30_000);
});

describe('kafkajs encoders and record checksums (real broker)', () => {
  let world: TestWorld;
  beforeAll(() => {
    world = createTestWorld('kafkajs-encoding');
  });
  afterAll(async () => {
    await world?.cleanup();
  });

  it('encodes requests without zero-filled buffers, produce requests in one buffer, and checksums batches eight bytes at a time, as kafkajs did', () => {
    const require = createRequire(import.meta.url);
    const Encoder = require('kafkajs/src/protocol/encoder.js') as new () => { buf: Buffer; writeInt32(v: number): unknown; writeString(v: string): unknown; writeBytes(v: Buffer): unknown; buffer: Buffer };
    const encoder = new Encoder();
    // Nothing allocated before the first write (kafkajs allocated 512 zero-filled bytes for every encoder).
    expect(encoder.buf.length).toBe(0);
    const payload = randomBytes(5_000);
    encoder.writeInt32(-2);
    encoder.writeString('héllo');
    encoder.writeBytes(payload);
    const expected = Buffer.concat([Buffer.from([0xff, 0xff, 0xff, 0xfe, 0x00, 0x06]), Buffer.from('héllo'), Buffer.from([0x00, 0x00, 0x13, 0x88]), payload]);
    expect(encoder.buffer.equals(expected)).toBe(true);
    const checksum = require('kafkajs/src/protocol/recordBatch/crc32C/index.js') as (b: Buffer) => number;
    expect(checksum.name).toBe('crc32c');
    expect(checksum(Buffer.from('123456789'))).toBe(0xe3069283);
    // Produce requests (v3 to v7) are written in one buffer (packages/kafka/src/produce-request.ts).
    const produceV3 = require('kafkajs/src/protocol/requests/produce/v3/request.js') as { name: string };
    expect(produceV3.name).toBe('oneBufferProduceRequest');
    // Fetched records are decoded without BigInt Longs (packages/kafka/src/record-decoder.ts).
    const recordDecoder = require('kafkajs/src/protocol/recordBatch/record/v0/decoder.js') as { name: string };
    expect(recordDecoder.name).toBe('decodeRecord');
  });

  it('the broker accepts every batch (it checks their CRC-32C) and gives each record back byte for byte, on the partition of its key', async () => {
    const topic = `${world.prefix}.encoding`;
    await ensureTopics(world.kafka, [{ topic, numPartitions: 6 }], { numPartitions: 6, replicationFactor: 1 });
    const producer = createProducer(world.kafka);
    await producer.connect();
    const consumer = world.kafka.consumer({ groupId: `${world.prefix}.encoding`, maxWaitTimeInMs: 100 });
    const startedAt = Date.now();
    try {
      // Values from empty to 300 KiB, keyed and not, with headers: single sends and coalesced batches of many records.
      const sent: Message[] = Array.from({ length: 400 }, (_, i) => ({
        key: i % 3 === 0 ? null : `key-${i % 17}-é`,
        value: randomBytes(i === 399 ? 300 * 1024 : (i * 97) % 20_000),
        headers: i % 2 === 0 ? { traceparent: `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`, n: String(i) } : { n: String(i) },
      }));
      for (const m of sent.slice(0, 20)) await producer.send({ topic, messages: [m] });
      const sender = new CoalescingSender(producer);
      await Promise.all(sent.slice(20).map((m) => sender.send(topic, [m])));

      const received = new Map<string, { partition: number; message: KafkaMessage }>();
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({ eachMessage: async ({ partition, message }) => void received.set(message.headers!.n!.toString(), { partition, message }) });
      await waitFor(() => received.size === sent.length, { timeoutMs: 30_000, description: 'every record back' });
      for (const [i, m] of sent.entries()) {
        const got = received.get(String(i))!;
        expect(got.message.value!.equals(m.value as Buffer)).toBe(true);
        expect(got.message.key?.toString() ?? null).toBe(m.key);
        expect(got.message.headers!.traceparent?.toString()).toBe((m.headers as Record<string, string>).traceparent);
        expect(got.partition).toBe(placedPartition(m));
      }
      // Offsets and timestamps as the broker gave them: each partition's offsets from 0 without a gap, times of this run.
      const offsets = new Map<number, number[]>();
      for (const { partition, message } of received.values()) {
        (offsets.get(partition) ?? offsets.set(partition, []).get(partition)!).push(Number(message.offset));
        expect(Number(message.timestamp)).toBeGreaterThanOrEqual(startedAt);
        expect(Number(message.timestamp)).toBeLessThanOrEqual(Date.now());
      }
      for (const list of offsets.values()) expect(list.sort((a, b) => a - b)).toEqual(list.map((_, i) => i));
      // One key, one partition.
      const byKey = new Map<string, Set<number>>();
      for (const [i, m] of sent.entries()) if (m.key) (byKey.get(m.key as string) ?? byKey.set(m.key as string, new Set()).get(m.key as string)!).add(received.get(String(i))!.partition);
      for (const partitionsOfKey of byKey.values()) expect(partitionsOfKey.size).toBe(1);
    } finally {
      await consumer.disconnect();
      await producer.disconnect();
    }
  }, 60_000);
});

describe('kafkajs request timeouts without a timer per connection, and fetches without empty batches', () => {
  let world: TestWorld;
  beforeAll(() => {
    world = createTestWorld('kafkajs-timeouts');
  });
  afterAll(async () => {
    await world?.cleanup();
  });

  it('connecting and sending requests arms no interval (kafkajs armed a 100 ms one per connection, for ever)', async () => {
    const topic = `${world.prefix}.intervals`;
    await ensureTopics(world.kafka, [{ topic, numPartitions: 1 }], { numPartitions: 1, replicationFactor: 1 });
    const kafka = createKafka({ brokers: world.kafkaBrokers, clientId: 'kafkajs-timeouts' });
    const admin = kafka.admin();
    const producer = createProducer(kafka);
    const original = globalThis.setInterval;
    const intervals: unknown[] = [];
    globalThis.setInterval = ((...args: Parameters<typeof setInterval>) => {
      intervals.push(args[1]);
      return original(...args);
    }) as typeof setInterval;
    try {
      await admin.connect();
      await producer.connect();
      await admin.listTopics();
      await producer.send({ topic, messages: [{ value: 'x' }] });
    } finally {
      globalThis.setInterval = original;
      await producer.disconnect();
      await admin.disconnect();
    }
    expect(intervals).toEqual([]);
  }, 30_000);

  it('a request the peer never answers still fails with a request timeout', async () => {
    // A peer that accepts connections and never answers: kafkajs' first request (ApiVersions) must time out.
    const sockets = new Set<Socket>();
    const server = createServer((socket) => {
      sockets.add(socket);
      socket.on('data', () => {});
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    createKafka({ brokers: world.kafkaBrokers, clientId: 'fixes-applied' }); // the fixes apply with the first client
    const kafka = new Kafka({ clientId: 'kafkajs-timeouts', brokers: [`127.0.0.1:${port}`], requestTimeout: 300, connectionTimeout: 1_000, retry: { retries: 0 }, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    const started = Date.now();
    try {
      const error = await admin.connect().then(() => null, (e: Error) => e);
      expect(error).not.toBeNull();
      expect(`${error!.name} ${error!.message} ${String((error as { originalError?: Error }).originalError?.name)}`).toMatch(/timed out|Timeout/i);
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await admin.disconnect().catch(() => {});
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  }, 30_000);

  it('a consumer\'s worker queue gets no empty batch, and the consumer still moves past an aborted transaction (a batch emptied by filtering)', async () => {
    const topic = `${world.prefix}.sparse`;
    await ensureTopics(world.kafka, [{ topic, numPartitions: 12 }], { numPartitions: 12, replicationFactor: 1 });
    const producer = createProducer(world.kafka);
    const transactional = world.kafka.producer({ transactionalId: `${world.prefix}.tx`, idempotent: true, maxInFlightRequests: 1 });
    const consumer = world.kafka.consumer({ groupId: `${world.prefix}.sparse`, maxWaitTimeInMs: 100 });
    const admin = world.kafka.admin();
    const batches: Array<{ partition: number; size: number }> = [];
    const values: string[] = [];
    // What kafkajs' worker queue is handed: with the fix, no batch that is empty without filtering.
    const Runner = createRequire(import.meta.url)('kafkajs/src/consumer/runner.js') as { prototype: { handleBatch(b: Batch): Promise<void> } };
    const handleBatch = Runner.prototype.handleBatch;
    let handed = 0;
    let handedEmpty = 0;
    let handedFiltered = 0;
    Runner.prototype.handleBatch = function (this: unknown, b: Batch) {
      handed++;
      const filtered = (b as Batch & { isEmptyDueToFiltering(): boolean }).isEmptyDueToFiltering();
      if (b.isEmpty() && !filtered) handedEmpty++;
      if (filtered) handedFiltered++;
      return handleBatch.call(this, b);
    };
    try {
      await Promise.all([producer.connect(), transactional.connect(), admin.connect()]);
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({
        eachBatch: async ({ batch }: { batch: Batch }) => {
          batches.push({ partition: batch.partition, size: batch.messages.length });
          for (const m of batch.messages) values.push(m.value!.toString());
        },
      });
      // Records on 2 of 12 partitions, a few at a time: every fetch spans all 12, most of them empty.
      for (let i = 0; i < 20; i++) {
        await producer.send({ topic, messages: [{ partition: i % 2 === 0 ? 0 : 7, value: `r${i}` }] });
        await waitFor(() => values.length === i + 1, { timeoutMs: 10_000, description: `record ${i} consumed` });
      }
      // An aborted transaction on partition 3: its records and its abort marker are all the partition holds, so the
      // consumer's fetch brings a batch emptied by filtering, which it must still take to commit past it.
      const tx = await transactional.transaction();
      await tx.send({ topic, messages: [{ partition: 3, value: 'aborted-1' }, { partition: 3, value: 'aborted-2' }] });
      await tx.abort();
      // Two records and the abort marker (the coordinator writes markers after it answers the abort).
      await waitFor(async () => (await admin.fetchTopicOffsets(topic)).find((p) => p.partition === 3)?.high === '3', { timeoutMs: 10_000, description: 'the abort marker written' });
      // The batch emptied by filtering reaches kafkajs' runner, which moves the partition's position past it.
      await waitFor(() => handedFiltered > 0, { timeoutMs: 10_000, description: 'the aborted transaction fetched and passed on' });
      await producer.send({ topic, messages: [{ partition: 3, value: 'after' }] });
      await waitFor(() => values.includes('after'), { timeoutMs: 10_000, description: 'the record after the aborted transaction' });
      expect(values).toEqual([...Array.from({ length: 20 }, (_, i) => `r${i}`), 'after']);
      await waitFor(async () => {
        const [committed] = await admin.fetchOffsets({ groupId: `${world.prefix}.sparse`, topics: [topic] });
        return committed!.partitions.find((p) => p.partition === 3)?.offset === '4';
      }, { timeoutMs: 15_000, description: 'the consumer committed past the aborted transaction and the record after it' });
      expect(batches.every((b) => b.size > 0)).toBe(true);
      expect(handed).toBeGreaterThanOrEqual(21);
      expect(handedEmpty).toBe(0);
    } finally {
      Runner.prototype.handleBatch = handleBatch;
      await consumer.disconnect();
      await Promise.all([producer.disconnect(), transactional.disconnect(), admin.disconnect()]);
    }
  }, 60_000);
});
