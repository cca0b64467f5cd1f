import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { CoalescingSender, createKafka, createProducer, ensureTopics, placedPartition } from '@hookline/kafka';
import { createTestWorld, waitFor, type TestWorld } from '@hookline/testing';
import type { KafkaMessage, Message } from 'kafkajs';
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

  it('encodes requests without zero-filled buffers and checksums batches eight bytes at a time, as kafkajs did', () => {
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
  });

  it('the broker accepts every batch (it checks their CRC-32C) and gives each record back byte for byte, on the partition of its key', async () => {
    const topic = `${world.prefix}.encoding`;
    await ensureTopics(world.kafka, [{ topic, numPartitions: 6 }], { numPartitions: 6, replicationFactor: 1 });
    const producer = createProducer(world.kafka);
    await producer.connect();
    const consumer = world.kafka.consumer({ groupId: `${world.prefix}.encoding`, maxWaitTimeInMs: 100 });
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
