import { createRequire } from 'node:module';
import { kafkajsOwn, seeded } from '@hookline/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { encodeProduceRequest, oneBufferProduceRequests, type LongClass, type ProduceRequest, type ProduceRequestArgs } from './produce-request.ts';

const require = createRequire(import.meta.url);
/** kafkajs' own v3 Produce request, loaded afresh. */
const kafkajsRequest = kafkajsOwn<(args: ProduceRequestArgs) => ProduceRequest>('kafkajs/src/protocol/requests/produce/v3/request.js');
const Encoder = require('kafkajs/src/protocol/encoder.js') as { prototype: object };
const Long = require('kafkajs/src/utils/long.js') as LongClass;
const ours = oneBufferProduceRequests(kafkajsRequest, Encoder, Long);

const NOW = 1_796_400_000_123;

async function encodedBy(build: (args: ProduceRequestArgs) => ProduceRequest, args: ProduceRequestArgs): Promise<Buffer> {
  const encoder = (await build(args).encode()) as { buffer: Buffer };
  return encoder.buffer;
}

async function expectSameBytes(args: ProduceRequestArgs): Promise<Buffer> {
  const expected = await encodedBy(kafkajsRequest, args);
  const actual = await encodedBy(ours, args);
  expect(actual.equals(expected)).toBe(true);
  return actual;
}

function randomArgs(seed: number): ProduceRequestArgs {
  const g = seeded(seed);
  const value = () => {
    const r = g.int(10);
    if (r === 0) return null;
    if (r === 1) return g.text(g.int(40));
    if (r === 2) return g.bytes(g.int(3) === 0 ? 20_000 + g.int(5_000) : 0);
    return g.bytes(g.int(1_500));
  };
  const topics = Array.from({ length: 1 + g.int(3) }, (_, t) => ({
    topic: `hookline.topic-${t}-${g.text(3)}`,
    partitions: Array.from({ length: 1 + g.int(3) }, (_, p) => ({
      partition: p * 3 + g.int(3),
      ...(g.int(2) ? { firstSequence: g.int(2 ** 31) } : {}),
      messages: Array.from({ length: g.int(4) === 0 ? 150 + g.int(100) : 1 + g.int(5) }, () => {
        const headers: Record<string, Buffer | string | Array<Buffer | string>> = {};
        for (let h = g.int(4); h > 0; h--) {
          const r = g.int(3);
          headers[`h-${g.text(1 + g.int(8))}`] = r === 0 ? [g.text(5), g.bytes(3), g.text(0)] : r === 1 ? g.bytes(g.int(60)) : g.text(g.int(60));
        }
        const r = g.int(4);
        return {
          key: r === 0 ? null : r === 1 ? undefined : r === 2 ? g.text(g.int(20)) : g.bytes(g.int(40)),
          value: value(),
          ...(g.int(2) ? { headers } : {}),
          // As ingest gives them: the event's creation time as a string of ms (some records without one).
          ...(g.int(3) ? { timestamp: String(NOW - g.int(100_000_000)) } : g.int(2) ? { timestamp: NOW + g.int(1_000) } : {}),
        };
      }),
    })),
  }));
  return {
    acks: [-1, 1, 0][g.int(3)]!,
    timeout: g.int(60_000),
    ...(g.int(3) === 0 ? { transactionalId: `tx-${g.text(4)}` } : {}),
    ...(g.int(2) ? { producerId: Long.fromValue(g.int(2 ** 31) * 1000 + g.int(1000)), producerEpoch: g.int(30_000) } : {}),
    topicData: topics,
  };
}

describe('produce requests in one buffer', () => {
  beforeEach(() => {
    vi.spyOn(Date, 'now').mockReturnValue(NOW);
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("writes the same bytes as kafkajs' v3 encoder for 300 random requests (keys, values, headers, timestamps, sequences, transactions)", async () => {
    for (let seed = 1; seed <= 300; seed++) {
      const args = randomArgs(seed);
      expect(encodeProduceRequest(args, Long, NOW), `seed ${seed}`).toBeInstanceOf(Buffer);
      await expectSameBytes(args);
    }
  });

  it('writes the same bytes for the shapes the services send: a delivery record, an attempt record, an ingest batch', async () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const one = { topic: 'hookline.deliveries', partitions: [{ partition: 3, firstSequence: 17, messages: [{ key: 'ep_1', value: Buffer.alloc(1_300, 7), headers: { traceparent } }] }] };
    const batch = {
      topic: 'hookline.events',
      partitions: [{ partition: 0, firstSequence: 2 ** 31 - 5, messages: Array.from({ length: 200 }, (_, i) => ({ key: `tenant-${i % 3}`, value: Buffer.alloc(1_000, i), timestamp: String(NOW - i) })) }],
    };
    const producer = { producerId: Long.fromValue(4711), producerEpoch: 3 };
    await expectSameBytes({ acks: -1, timeout: 30_000, ...producer, topicData: [one] });
    await expectSameBytes({ acks: -1, timeout: 30_000, ...producer, topicData: [batch, one] });
    // Without an idempotent producer: kafkajs' defaults (producer id -1, epoch 0, first sequence 0).
    await expectSameBytes({ acks: 1, timeout: 5_000, topicData: [{ topic: 't', partitions: [{ partition: 0, messages: [{ value: 'v' }] }] }] });
    // A partition with no records (kafkajs writes a last offset delta of -1).
    await expectSameBytes({ acks: 1, timeout: 5_000, topicData: [{ topic: 't', partitions: [{ partition: 0, messages: [] }] }] });
  });

  it('leaves to kafkajs what it cannot encode exactly as kafkajs does: compression, deltas past 2^51, null headers and header values', async () => {
    const base = { acks: -1, timeout: 30_000 };
    const gzip = { ...base, compression: 1, topicData: [{ topic: 't', partitions: [{ partition: 0, messages: [{ key: 'k', value: 'v'.repeat(500) }] }] }] };
    expect(encodeProduceRequest(gzip, Long, NOW)).toBeUndefined();
    const gzipped = await encodedBy(ours, gzip);
    // kafkajs' gzip output carries an OS byte and no clock here, so the two encodings compare equal.
    expect(gzipped.equals(await encodedBy(kafkajsRequest, gzip))).toBe(true);

    const farTimestamp = { ...base, topicData: [{ topic: 't', partitions: [{ partition: 0, messages: [{ value: 'a', timestamp: '1' }, { value: 'b', timestamp: String(2 ** 52) }] }] }] };
    expect(encodeProduceRequest(farTimestamp, Long, NOW)).toBeUndefined();
    expect((await encodedBy(ours, farTimestamp)).equals(await encodedBy(kafkajsRequest, farTimestamp))).toBe(true);

    // kafkajs measures a null or undefined header value with Buffer.byteLength, and lists null headers' keys, which
    // throw; so does the request here.
    for (const headers of [{ a: null }, { a: undefined }, null]) {
      const badHeaders = { ...base, topicData: [{ topic: 't', partitions: [{ partition: 0, messages: [{ value: 'v', headers }] }] }] };
      expect(encodeProduceRequest(badHeaders, Long, NOW)).toBeUndefined();
      await expect(encodedBy(kafkajsRequest, badHeaders)).rejects.toThrow(TypeError);
      await expect(encodedBy(ours, badHeaders)).rejects.toThrow(TypeError);
    }
  });

  it('answers an encoder kafkajs can frame: the request bytes in `buf` up to `offset`, and the request fields unchanged', async () => {
    const args = randomArgs(7);
    const request = ours(args);
    const original = kafkajsRequest(args);
    expect({ apiKey: request.apiKey, apiVersion: request.apiVersion, apiName: request.apiName, expects: request.expectResponse() }).toEqual({
      apiKey: original.apiKey,
      apiVersion: original.apiVersion,
      apiName: original.apiName,
      expects: original.expectResponse(),
    });
    const encoder = (await request.encode()) as { buf: Buffer; offset: number; buffer: Buffer };
    expect(encoder).toBeInstanceOf(Encoder as unknown as new () => object);
    expect(encoder.offset).toBe(encoder.buf.length);
    const framed = new (Encoder as unknown as new () => { writeEncoder(e: unknown): { buffer: Buffer } })().writeEncoder(encoder).buffer;
    expect(framed.equals(await encodedBy(kafkajsRequest, args))).toBe(true);
  });
});
