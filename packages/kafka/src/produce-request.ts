import { crc32c } from './crc32c.ts';

/**
 * kafkajs' Produce request (versions 3–7 share its v3 encoder), encoded into one buffer of the exact size.
 *
 * kafkajs builds the request from nested encoders: one per record (and a small buffer per varint it writes), one per
 * header, then the record batch body, the batch, the partition, the topic and the request, each copying everything
 * below it and growing by doubling. A record's bytes were copied seven times before the request's frame, and
 * encoding took 6.5–13 µs a record (`bench/results/s33/produce-encode.ts`). This encoder measures everything first,
 * then writes each byte once, with the same bytes as kafkajs' (`produce-request.test.ts` compares them).
 *
 * What it does not take, it leaves to kafkajs' own encoder: compressed batches, and records it cannot encode exactly as
 * kafkajs does (a key or value of another type than Buffer, string or null; null headers; a header value of another
 * type than Buffer or string; a timestamp delta that is not a safe integer). No I/O.
 */

type Bytes = Buffer | string | null | undefined;

interface ProduceMessage {
  key?: Bytes;
  value?: Bytes;
  headers?: Record<string, Bytes | Bytes[]> | null;
  timestamp?: string | number | null;
}

interface ProducePartition {
  partition: number;
  firstSequence?: number;
  messages: ProduceMessage[];
}

interface ProduceTopic {
  topic: string;
  partitions: ProducePartition[];
}

/** kafkajs' Long (a BigInt inside) as far as this encoder uses it. */
export interface LongValue {
  getHighBits(): number;
  getLowBits(): number;
}

export interface LongClass {
  fromValue(value: unknown): LongValue;
  fromInt(value: number): LongValue;
}

export interface ProduceRequestArgs {
  acks: number;
  timeout: number;
  transactionalId?: string | null;
  producerId?: LongValue;
  producerEpoch?: number;
  compression?: number;
  topicData: ProduceTopic[];
}

/** What kafkajs' request builders answer; `encode` resolves to an encoder (`buf`, `offset`, `buffer`). */
export interface ProduceRequest {
  apiKey: number;
  apiVersion: number;
  apiName: string;
  expectResponse: () => boolean;
  encode: () => Promise<unknown>;
}

/** kafkajs' record batch flag for a transactional batch. */
const TRANSACTIONAL_ATTRIBUTE = 16;
const MAGIC_BYTE = 2;
/** Record batch fields from the partition leader epoch to the first sequence and the record count (v2 format). */
const BATCH_INNER_FIXED = 4 + 1 + 4 + 2 + 4 + 8 + 8 + 8 + 2 + 4 + 4;
/** A zig-zag varlong over 2^52 would lose precision as a JavaScript number: such deltas are left to kafkajs. */
const MAX_SAFE_DELTA = 2 ** 51;

/** The bytes kafkajs writes for a zig-zag varint (`Encoder.writeVarInt`). */
function sizeOfVarInt(value: number): number {
  let v = (value << 1) ^ (value >> 31);
  let bytes = 1;
  while ((v & 0xffffff80) !== 0) {
    bytes += 1;
    v >>>= 7;
  }
  return bytes;
}

function writeVarInt(buf: Buffer, at: number, value: number): number {
  let v = (value << 1) ^ (value >> 31);
  while ((v & 0xffffff80) !== 0) {
    buf[at++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  buf[at++] = v & 0x7f;
  return at;
}

/** A zig-zag varlong of a safe integer with |value| < 2^51 (`Encoder.writeVarLong`'s bytes, without a Long). */
function zigZag64(value: number): number {
  return value >= 0 ? value * 2 : -value * 2 - 1;
}

function sizeOfUnsignedVarLong(zz: number): number {
  let bytes = 1;
  while (zz >= 0x80) {
    bytes += 1;
    zz = Math.floor(zz / 0x80);
  }
  return bytes;
}

function writeUnsignedVarLong(buf: Buffer, at: number, zz: number): number {
  while (zz >= 0x80) {
    buf[at++] = (zz % 0x80) | 0x80;
    zz = Math.floor(zz / 0x80);
  }
  buf[at++] = zz;
  return at;
}

function isBytes(value: unknown): value is Bytes {
  return value === null || value === undefined || typeof value === 'string' || Buffer.isBuffer(value);
}

/** A varint-length-prefixed field's size (-1 for null), as `Encoder.sizeOfVarIntBytes`. */
function sizeOfVarIntBytes(length: number): number {
  return length < 0 ? sizeOfVarInt(-1) : sizeOfVarInt(length) + length;
}

function byteLength(value: Bytes): number {
  if (value === null || value === undefined) return -1;
  return typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : value.length;
}

function writeVarIntBytes(buf: Buffer, at: number, value: Bytes, length: number): number {
  at = writeVarInt(buf, at, length);
  if (length <= 0) return at;
  if (typeof value === 'string') return at + buf.write(value, at, length, 'utf8');
  (value as Buffer).copy(buf, at);
  return at + length;
}

/** One partition's records as measured in the first pass. */
interface MeasuredPartition {
  partition: number;
  firstSequence: number;
  messages: ProduceMessage[];
  firstTimestamp: unknown;
  maxTimestamp: unknown;
  /** Per record: its body size, the zig-zag of its timestamp delta, the byte lengths of key and value. */
  bodies: number[];
  deltas: number[];
  keys: number[];
  values: number[];
  /** Per record, its headers flattened as kafkajs flattens them (an array value: one header per element). */
  headers: Array<Array<[string, Bytes, number, number]>>;
  /** The record batch's size from the leader epoch on (the `Length` field). */
  innerSize: number;
}

/**
 * Measures a partition's records as kafkajs would encode them at `dateNow`; undefined when one of them is not for
 * this encoder (see the module's comment).
 */
function measurePartition(data: ProducePartition, dateNow: number): MeasuredPartition | undefined {
  const { messages } = data;
  // As kafkajs: the timestamps given, sorted as it sorts them (as strings), or now.
  const given = messages.map((m) => m.timestamp).filter((t) => t != null).sort();
  const timestamps = given.length === 0 ? [dateNow] : given;
  const firstTimestamp = timestamps[0];
  const maxTimestamp = timestamps[timestamps.length - 1];
  const m: MeasuredPartition = {
    partition: data.partition,
    firstSequence: data.firstSequence === undefined ? 0 : data.firstSequence,
    messages,
    firstTimestamp,
    maxTimestamp,
    bodies: [],
    deltas: [],
    keys: [],
    values: [],
    headers: [],
    innerSize: BATCH_INNER_FIXED,
  };
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i]!;
    if (!isBytes(message.key) || !isBytes(message.value)) return undefined;
    const delta = ((message.timestamp || dateNow) as number) - (firstTimestamp as number);
    if (!Number.isSafeInteger(delta) || Math.abs(delta) >= MAX_SAFE_DELTA) return undefined;
    const zz = zigZag64(delta);
    const keyLength = byteLength(message.key);
    const valueLength = byteLength(message.value);
    const flat: Array<[string, Bytes, number, number]> = [];
    let headersSize = 0;
    // kafkajs' default (`headers = {}`) is for undefined only: it fails on null headers, so they are left to it.
    if (message.headers === null) return undefined;
    const headers = message.headers ?? {};
    for (const name of Object.keys(headers)) {
      const v = headers[name];
      for (const value of Array.isArray(v) ? v : [v]) {
        // kafkajs measures a null or undefined header value with Buffer.byteLength, which throws: left to it.
        if (value === null || value === undefined || !isBytes(value)) return undefined;
        const nameLength = Buffer.byteLength(name, 'utf8');
        const valueBytes = byteLength(value);
        flat.push([name, value, nameLength, valueBytes]);
        headersSize += sizeOfVarInt(nameLength) + nameLength + sizeOfVarIntBytes(valueBytes);
      }
    }
    const body = 1 + sizeOfUnsignedVarLong(zz) + sizeOfVarInt(i) + sizeOfVarIntBytes(keyLength) + sizeOfVarIntBytes(valueLength) + sizeOfVarInt(flat.length) + headersSize;
    m.bodies.push(body);
    m.deltas.push(zz);
    m.keys.push(keyLength);
    m.values.push(valueLength);
    m.headers.push(flat);
    m.innerSize += sizeOfVarInt(body) + body;
  }
  return m;
}

function writeInt64(buf: Buffer, at: number, value: LongValue): number {
  buf.writeInt32BE(value.getHighBits(), at);
  buf.writeInt32BE(value.getLowBits(), at + 4);
  return at + 8;
}

/** Writes one partition's entry: partition, the record batch's size, the record batch (v2, uncompressed). */
function writePartition(buf: Buffer, at: number, p: MeasuredPartition, args: ProduceRequestArgs, Long: LongClass): number {
  const batchSize = 8 + 4 + p.innerSize;
  at = buf.writeInt32BE(p.partition, at);
  at = buf.writeInt32BE(batchSize, at);
  at = writeInt64(buf, at, Long.fromInt(0)); // first offset
  at = buf.writeInt32BE(p.innerSize, at);
  at = buf.writeInt32BE(0, at); // partition leader epoch
  at = buf.writeInt8(MAGIC_BYTE, at);
  const crcAt = at;
  at += 4;
  const bodyStart = at;
  at = buf.writeInt16BE(args.transactionalId ? TRANSACTIONAL_ATTRIBUTE : 0, at);
  at = buf.writeInt32BE(p.messages.length - 1, at); // last offset delta
  at = writeInt64(buf, at, Long.fromValue(p.firstTimestamp));
  at = writeInt64(buf, at, Long.fromValue(p.maxTimestamp));
  // kafkajs' defaults apply to undefined only, as parameter defaults do.
  at = writeInt64(buf, at, Long.fromValue(args.producerId === undefined ? Long.fromInt(-1) : args.producerId));
  at = buf.writeInt16BE(args.producerEpoch === undefined ? 0 : args.producerEpoch, at);
  at = buf.writeInt32BE(p.firstSequence, at);
  at = buf.writeInt32BE(p.messages.length, at);
  for (let i = 0; i < p.messages.length; i++) {
    const message = p.messages[i]!;
    at = writeVarInt(buf, at, p.bodies[i]!);
    buf[at++] = 0; // record attributes
    at = writeUnsignedVarLong(buf, at, p.deltas[i]!);
    at = writeVarInt(buf, at, i);
    at = writeVarIntBytes(buf, at, message.key, p.keys[i]!);
    at = writeVarIntBytes(buf, at, message.value, p.values[i]!);
    const headers = p.headers[i]!;
    at = writeVarInt(buf, at, headers.length);
    for (const [name, value, nameLength, valueLength] of headers) {
      at = writeVarIntBytes(buf, at, name, nameLength);
      at = writeVarIntBytes(buf, at, value, valueLength);
    }
  }
  buf.writeUInt32BE(crc32c(buf.subarray(bodyStart, at)), crcAt);
  return at;
}

/**
 * The Produce request's body (what kafkajs' `encode()` answers, before the request header and frame) in one buffer,
 * or undefined when kafkajs' own encoder must do it.
 */
export function encodeProduceRequest(args: ProduceRequestArgs, Long: LongClass, dateNow: number): Buffer | undefined {
  if ((args.compression ?? 0) !== 0) return undefined;
  const transactionalId = args.transactionalId == null ? null : args.transactionalId;
  let size = 2 + (transactionalId === null ? 0 : Buffer.byteLength(transactionalId, 'utf8')) + 2 + 4 + 4;
  const topics: Array<{ topic: string; partitions: MeasuredPartition[] }> = [];
  for (const t of args.topicData) {
    const partitions: MeasuredPartition[] = [];
    size += 2 + Buffer.byteLength(t.topic, 'utf8') + 4;
    for (const data of t.partitions) {
      const measured = measurePartition(data, dateNow);
      if (!measured) return undefined;
      partitions.push(measured);
      size += 4 + 4 + 8 + 4 + measured.innerSize;
    }
    topics.push({ topic: t.topic, partitions });
  }
  const buf = Buffer.allocUnsafe(size);
  let at = 0;
  if (transactionalId === null) at = buf.writeInt16BE(-1, at);
  else {
    const length = Buffer.byteLength(transactionalId, 'utf8');
    at = buf.writeInt16BE(length, at);
    at += buf.write(transactionalId, at, length, 'utf8');
  }
  at = buf.writeInt16BE(args.acks, at);
  at = buf.writeInt32BE(args.timeout, at);
  at = buf.writeInt32BE(topics.length, at);
  for (const t of topics) {
    const length = Buffer.byteLength(t.topic, 'utf8');
    at = buf.writeInt16BE(length, at);
    at += buf.write(t.topic, at, length, 'utf8');
    at = buf.writeInt32BE(t.partitions.length, at);
    for (const p of t.partitions) at = writePartition(buf, at, p, args, Long);
  }
  if (at !== size) throw new Error(`produce request measured ${size} bytes but wrote ${at}`);
  return buf;
}

/**
 * Wraps kafkajs' v3 Produce request builder: its requests encode through {@link encodeProduceRequest} when it takes
 * them, through kafkajs' own encoder otherwise. `Encoder`: kafkajs' class, whose instance `encode()` must answer.
 */
export function oneBufferProduceRequests(
  original: (args: ProduceRequestArgs) => ProduceRequest,
  Encoder: { prototype: object },
  Long: LongClass,
): (args: ProduceRequestArgs) => ProduceRequest {
  return function oneBufferProduceRequest(args) {
    const request = original(args);
    const kafkajsEncode = request.encode;
    request.encode = async () => {
      const buf = encodeProduceRequest(args, Long, Date.now());
      if (!buf) return kafkajsEncode();
      const encoder = Object.create(Encoder.prototype) as { buf: Buffer; offset: number };
      encoder.buf = buf;
      encoder.offset = buf.length;
      return encoder;
    };
    return request;
  };
}
