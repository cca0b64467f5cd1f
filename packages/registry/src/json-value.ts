import { MAX_JSON_DEPTH } from '@hookline/contracts';

const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** A 64-bit integer as JSON: a number while it is exact in a double (|n| ≤ 2^53 − 1), else its decimal string. */
export function jsonInteger(n: bigint): number | string {
  return n >= MIN_SAFE && n <= MAX_SAFE ? Number(n) : n.toString();
}

/** protobufjs' Long (from the `long` package): low and high 32 bits and signedness. */
interface LongLike {
  low: number;
  high: number;
  unsigned: boolean;
}
const isLong = (v: object): v is LongLike =>
  typeof (v as LongLike).low === 'number' && typeof (v as LongLike).high === 'number' && typeof (v as LongLike).unsigned === 'boolean' && Object.keys(v).length === 3;

function longToBigInt(v: LongLike): bigint {
  const unsignedValue = (BigInt(v.high >>> 0) << 32n) | BigInt(v.low >>> 0);
  return v.unsigned ? unsignedValue : BigInt.asIntN(64, unsignedValue);
}

/**
 * A value decoded by avsc, protobufjs or JSON.parse as plain JSON, the same whatever the format: 64-bit integers
 * (bigint, Long) as numbers when exact, decimal strings beyond 2^53; bytes (Buffer, Uint8Array) as base64 strings;
 * dates as ISO-8601 strings; Maps as objects; NaN and ±Infinity as null (what JSON.stringify writes);
 * undefined properties dropped. Throws when the value nests deeper than {@link MAX_JSON_DEPTH} levels.
 */
export function toJsonValue(value: unknown, depth = 0): unknown {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'bigint':
      return jsonInteger(value);
    case 'object':
      break;
    default:
      return null;
  }
  if (depth >= MAX_JSON_DEPTH) throw new Error(`the decoded value nests deeper than ${MAX_JSON_DEPTH} levels`);
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (Array.isArray(value)) return value.map((v) => toJsonValue(v, depth + 1));
  if (value instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of value) out[String(k)] = toJsonValue(v, depth + 1);
    return out;
  }
  if (isLong(value)) return jsonInteger(longToBigInt(value));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toJsonValue(v, depth + 1);
  return out;
}
