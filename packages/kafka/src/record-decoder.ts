/**
 * kafkajs' decoder of one record of a record batch (magic 2), with numbers where kafkajs uses BigInt `Long`s.
 *
 * kafkajs reads a record's timestamp delta as a `Long`, a BigInt and two more `Long`s per byte, then parses the batch's
 * first timestamp and first offset from their strings into BigInts again, for every record, to add the deltas. It
 * gathers the headers by copying the object once per header. This decoder reads the varlong into a number, adds the
 * deltas as numbers and sets each header once: the same object, field for field (`record-decoder.test.ts` compares
 * them), when every figure is a safe integer — timestamps in milliseconds and offsets are, by a wide margin.
 *
 * What it cannot decode exactly as kafkajs would, it hands to kafkajs' own decoder, from the record's first byte: a
 * delta or sum past 2^53, a batch context without the strings kafkajs gives, a header named `__proto__`, a header
 * count kafkajs rejects. No I/O.
 */

/** kafkajs' `Decoder`, over one record's bytes, as far as this decoder uses it. */
export interface RecordBytesDecoder {
  buffer: Buffer;
  offset: number;
  readInt8(): number;
  readVarInt(): number;
  readVarIntBytes(): Buffer | null;
  readVarIntString(): string | null;
}

/** What kafkajs' record batch decoder passes each record: the batch's fields (with strings for its int64s). */
export interface RecordBatchContext {
  firstOffset?: unknown;
  firstTimestamp?: unknown;
  maxTimestamp?: unknown;
  magicByte?: number;
  isControlBatch?: boolean;
  timestampType?: number;
}

export type HeaderValue = Buffer | null;

export interface DecodedRecord {
  magicByte: number | undefined;
  attributes: number;
  timestamp: unknown;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, HeaderValue | HeaderValue[]>;
  isControlRecord: boolean;
  batchContext: RecordBatchContext;
}

export type RecordDecoder = (decoder: RecordBytesDecoder, batchContext?: RecordBatchContext) => DecodedRecord;

/** Not decoded here: kafkajs' own decoder takes the record. */
const KAFKAJS = Symbol('kafkajs');

/** A zigzag varlong as a number, or {@link KAFKAJS} when it does not fit a safe integer (or is longer than kafkajs reads). */
function readVarLong(d: RecordBytesDecoder): number | typeof KAFKAJS {
  const buffer = d.buffer;
  let unsigned = 0;
  let scale = 1;
  let byte: number;
  do {
    if (scale > 2 ** 49) return KAFKAJS;
    byte = buffer[d.offset++]!; // past the end: undefined, read as 0, as kafkajs reads it
    unsigned += (byte & 0x7f) * scale;
    scale *= 128;
  } while (byte >= 0x80);
  if (unsigned > Number.MAX_SAFE_INTEGER) return KAFKAJS;
  return unsigned % 2 === 0 ? unsigned / 2 : -(unsigned + 1) / 2;
}

/** `first + delta` as kafkajs' `Long` would print it, or {@link KAFKAJS}. */
function sum(first: unknown, delta: number): string | typeof KAFKAJS {
  if (typeof first !== 'string') return KAFKAJS; // '' falls to kafkajs below: String(Number('')) is '0'
  const base = Number(first);
  const total = base + delta;
  if (!Number.isSafeInteger(base) || !Number.isSafeInteger(total) || String(base) !== first) return KAFKAJS;
  return String(total);
}

/** The decoder kafkajs' record batch decoder calls for each record; `kafkajsDecoder` takes what it leaves. */
export function recordDecoderWithoutLongs(kafkajsDecoder: RecordDecoder, logAppendTime: number): RecordDecoder {
  return function decodeRecord(decoder, batchContext = {}) {
    const start = decoder.offset;
    const decoded = decodeOrLeave(decoder, batchContext, logAppendTime);
    if (decoded !== KAFKAJS) return decoded;
    decoder.offset = start;
    return kafkajsDecoder(decoder, batchContext);
  };
}

function decodeOrLeave(decoder: RecordBytesDecoder, batchContext: RecordBatchContext, logAppendTime: number): DecodedRecord | typeof KAFKAJS {
  const { firstOffset, firstTimestamp, magicByte, isControlBatch = false, timestampType, maxTimestamp } = batchContext;
  const attributes = decoder.readInt8();
  const timestampDelta = readVarLong(decoder);
  if (timestampDelta === KAFKAJS) return KAFKAJS;
  let timestamp: unknown;
  if (timestampType === logAppendTime && maxTimestamp) {
    timestamp = maxTimestamp;
  } else {
    const at = sum(firstTimestamp, timestampDelta);
    if (at === KAFKAJS) return KAFKAJS;
    timestamp = at;
  }
  const offset = sum(firstOffset, decoder.readVarInt());
  if (offset === KAFKAJS) return KAFKAJS;
  const key = decoder.readVarIntBytes();
  const value = decoder.readVarIntBytes();
  const count = decoder.readVarInt();
  if (count < -1) return KAFKAJS;
  const headers: Record<string, HeaderValue | HeaderValue[]> = {};
  for (let i = 0; i < count; i++) {
    const name = String(decoder.readVarIntString());
    if (name === '__proto__') return KAFKAJS;
    const headerValue = decoder.readVarIntBytes();
    // As kafkajs reads it, an inherited name included: a repeated header becomes an array.
    const before = headers[name];
    headers[name] = before === undefined ? headerValue : Array.isArray(before) ? before.concat([headerValue]) : [before, headerValue];
  }
  return { magicByte, attributes, timestamp, offset, key, value, headers, isControlRecord: isControlBatch, batchContext };
}
