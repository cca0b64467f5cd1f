import { createRequire } from 'node:module';
import { kafkajsOwn, seeded } from '@hookline/testing';
import { describe, expect, it, vi } from 'vitest';
import { recordDecoderWithoutLongs, type RecordBatchContext, type RecordBytesDecoder, type RecordDecoder } from './record-decoder.ts';

const require = createRequire(import.meta.url);
/** kafkajs' own record decoder, loaded afresh. */
const kafkajsDecoder = kafkajsOwn<RecordDecoder>('kafkajs/src/protocol/recordBatch/record/v0/decoder.js');
const Decoder = require('kafkajs/src/protocol/decoder.js') as new (buffer: Buffer) => RecordBytesDecoder;
const { LOG_APPEND_TIME } = require('kafkajs/src/protocol/timestampTypes.js') as { LOG_APPEND_TIME: number };
const ours = recordDecoderWithoutLongs(kafkajsDecoder, LOG_APPEND_TIME);

/** A record's bytes (without its length prefix, as the batch decoder hands them over), written by hand. */
class RecordBytes {
  readonly #bytes: number[] = [];
  int8(v: number): this {
    this.#bytes.push(v & 0xff);
    return this;
  }
  varlong(v: bigint): this {
    let u = v >= 0n ? v * 2n : -v * 2n - 1n;
    do {
      const b = Number(u & 0x7fn);
      u >>= 7n;
      this.#bytes.push(u > 0n ? b | 0x80 : b);
    } while (u > 0n);
    return this;
  }
  varint(v: number): this {
    return this.varlong(BigInt(v));
  }
  bytes(b: Buffer | string | null): this {
    if (b === null) return this.varint(-1);
    const buf = Buffer.from(b);
    this.varint(buf.length);
    this.#bytes.push(...buf);
    return this;
  }
  raw(...b: number[]): this {
    this.#bytes.push(...b);
    return this;
  }
  get buffer(): Buffer {
    return Buffer.from(this.#bytes);
  }
}

interface Header {
  name: string | null;
  value: Buffer | string | null;
}

function record(r: { timestampDelta: bigint; offsetDelta: number; key: Buffer | string | null; value: Buffer | string | null; headers: Header[] | -1 }): Buffer {
  const w = new RecordBytes().int8(0).varlong(r.timestampDelta).varint(r.offsetDelta).bytes(r.key).bytes(r.value);
  if (r.headers === -1) return w.varint(-1).buffer;
  w.varint(r.headers.length);
  for (const h of r.headers) w.bytes(h.name).bytes(h.value);
  return w.buffer;
}

/** Both decoders over the same bytes: the same record (or the same error) and the same bytes consumed. */
function expectSame(bytes: Buffer, context: RecordBatchContext | undefined): void {
  const theirs = new Decoder(bytes);
  const mine = new Decoder(bytes);
  let expected: unknown;
  let expectedError: unknown;
  try {
    expected = kafkajsDecoder(theirs, context);
  } catch (err) {
    expectedError = err;
  }
  if (expectedError) {
    expect(() => ours(mine, context)).toThrow((expectedError as Error).constructor as new () => Error);
    return;
  }
  const actual = ours(mine, context);
  expect(actual).toStrictEqual(expected);
  expect(Object.keys(actual.headers)).toEqual(Object.keys((expected as { headers: object }).headers));
  expect(Object.getPrototypeOf(actual.headers)).toBe(Object.prototype);
  expect(mine.offset).toBe(theirs.offset);
}

const FIRST_OFFSETS = ['', '0', '1', '41', '123456789', '9007199254740000', '9007199254740991', '9007199254740993', '9223372036854775807', '-1'];
const FIRST_TIMESTAMPS = ['1796400000123', '0', '-1', '1796400000000', '9007199254740991', '9223372036854775807', '-9007199254740991'];
const DELTAS = [0n, 1n, -1n, 63n, -64n, 64n, 8_191n, -8_192n, 1_234_567n, 2n ** 31n, -(2n ** 31n), 2n ** 49n, 2n ** 53n - 1n, 2n ** 53n, -(2n ** 53n), 2n ** 62n, -(2n ** 63n)];
const NAMES = ['traceparent', 'hookline-type', 'hookline-tenant', '__proto__', 'null', '0', '10', 'é', ''];

function randomCase(seed: number): { bytes: Buffer; context: RecordBatchContext } {
  const g = seeded(seed);
  const value = () => {
    const r = g.int(6);
    if (r === 0) return null;
    if (r === 1) return g.text(g.int(40));
    return g.bytes(g.int(r === 2 ? 3_000 : 200));
  };
  const headers: Header[] | -1 =
    g.int(20) === 0 ? -1 : Array.from({ length: g.int(9) }, () => ({ name: g.int(40) === 0 ? null : g.int(3) === 0 ? g.text(g.int(12)) : g.pick(NAMES), value: g.int(8) === 0 ? null : value() }));
  const bytes = record({
    timestampDelta: g.int(2) === 0 ? BigInt(g.int(100_000)) : g.pick(DELTAS),
    offsetDelta: g.int(3) === 0 ? g.pick([0, 1, -1, 2 ** 31 - 1, -(2 ** 31), 5_000_000]) : g.int(500),
    key: g.int(4) === 0 ? null : g.text(g.int(30)),
    value: value(),
    headers,
  });
  const context: RecordBatchContext = {
    firstOffset: g.int(4) === 0 ? g.pick(FIRST_OFFSETS) : String(g.int(10_000_000)),
    firstTimestamp: g.int(4) === 0 ? g.pick(FIRST_TIMESTAMPS) : String(1_796_400_000_000 + g.int(1_000_000)),
    maxTimestamp: g.pick(['1796400009999', '-1', '0', '']),
    magicByte: 2,
    isControlBatch: g.int(10) === 0,
    timestampType: g.int(5) === 0 ? LOG_APPEND_TIME : 0,
  };
  return { bytes, context };
}

describe('records decoded without Longs', () => {
  it('gives the same records as kafkajs for 2,000 seeded random records and batch contexts', () => {
    for (let seed = 1; seed <= 2_000; seed++) {
      const { bytes, context } = randomCase(seed);
      try {
        expectSame(bytes, context);
      } catch (err) {
        throw new Error(`seed ${seed}: ${(err as Error).message}`, { cause: err });
      }
    }
  });

  it("decodes the services' records itself, and leaves to kafkajs only what does not fit a safe integer", () => {
    const kafkajs = vi.fn(kafkajsDecoder);
    const decode = recordDecoderWithoutLongs(kafkajs, LOG_APPEND_TIME);
    const context = { firstOffset: '1200', firstTimestamp: '1796400000123', maxTimestamp: '1796400000999', magicByte: 2, isControlBatch: false, timestampType: 0 };
    const delivery = record({
      timestampDelta: 17n, offsetDelta: 3, key: 'ep_1', value: '{"deliveryId":"dlv_1"}',
      headers: [{ name: 'traceparent', value: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' }, { name: 'hookline-type', value: 'order.created' }, { name: 'hookline-type', value: 'again' }],
    });
    const got = decode(new Decoder(delivery), context);
    expect(got).toMatchObject({ offset: '1203', timestamp: '1796400000140', key: Buffer.from('ep_1'), isControlRecord: false });
    expect(got.headers).toEqual({ traceparent: Buffer.from('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'), 'hookline-type': [Buffer.from('order.created'), Buffer.from('again')] });
    expect(decode(new Decoder(delivery), { ...context, timestampType: LOG_APPEND_TIME }).timestamp).toBe('1796400000999');
    expect(kafkajs).not.toHaveBeenCalled();

    for (const [bytes, ctx] of [
      [record({ timestampDelta: 2n ** 53n, offsetDelta: 0, key: null, value: null, headers: [] }), context],
      [delivery, { ...context, firstOffset: '9007199254740993' }],
      [delivery, { ...context, firstTimestamp: '+1796400000123' }],
      [delivery, { ...context, firstTimestamp: undefined }],
      [record({ timestampDelta: 0n, offsetDelta: 0, key: null, value: null, headers: [{ name: '__proto__', value: 'x' }] }), context],
    ] as const) {
      kafkajs.mockClear();
      expectSame(bytes, ctx);
      try {
        decode(new Decoder(bytes), ctx);
      } catch {
        // kafkajs' own error, as expectSame saw
      }
      expect(kafkajs).toHaveBeenCalledTimes(1);
    }
  });

  it("reads a header named after an Object method as kafkajs does: the inherited method and the value", () => {
    // kafkajs' `obj[key] === undefined` sees Object.prototype's methods. The test's module and kafkajs' may live in
    // different realms under vitest, so the functions are compared by name.
    const bytes = record({ timestampDelta: 0n, offsetDelta: 0, key: null, value: null, headers: [{ name: 'toString', value: 'a' }, { name: 'constructor', value: 'b' }] });
    const context = { firstOffset: '0', firstTimestamp: '1796400000123', magicByte: 2, timestampType: 0 };
    const shape = (h: Record<string, unknown>) => Object.entries(h).map(([k, v]) => [k, (v as unknown[]).map((x) => (typeof x === 'function' ? x.name : String(x)))]);
    const expected = kafkajsDecoder(new Decoder(bytes), context).headers;
    expect(shape(ours(new Decoder(bytes), context).headers)).toEqual(shape(expected));
    expect(shape(expected)).toEqual([['toString', ['toString', 'a']], ['constructor', ['Object', 'b']]]);
  });

  it('reads malformed records as kafkajs reads them: a long varlong, truncated bytes, a negative header count', () => {
    const context = { firstOffset: '5', firstTimestamp: '1796400000123', magicByte: 2, timestampType: 0 };
    const cases = [
      new RecordBytes().int8(0).raw(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01).buffer, // past kafkajs' 10 bytes
      new RecordBytes().int8(0).raw(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01).varint(0).bytes(null).bytes(null).varint(0).buffer,
      record({ timestampDelta: 5n, offsetDelta: 1, key: 'k', value: 'v', headers: [{ name: 'a', value: 'b' }] }).subarray(0, 9),
      new RecordBytes().int8(0).varint(0).varint(0).bytes(null).bytes(null).varint(-3).buffer,
      new RecordBytes().int8(0).buffer,
      Buffer.alloc(0),
    ];
    for (const bytes of cases) expectSame(bytes, context);
    expectSame(record({ timestampDelta: 1n, offsetDelta: 1, key: null, value: null, headers: -1 }), undefined);
  });
});
