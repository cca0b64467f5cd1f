import avro from 'avsc';
import { jsonInteger } from './json-value.ts';

/**
 * Avro `long` read without loss: a number while exact, else a decimal string (avsc's own long throws "potential
 * precision loss" past 2^53, which would make a valid record undecodable).
 */
export const JSON_LONG = avro.types.LongType.__with({
  fromBuffer: (buf: Buffer) => jsonInteger(buf.readBigInt64LE(0)),
  toBuffer: (n: number | string) => {
    const buf = Buffer.alloc(8);
    buf.writeBigInt64LE(BigInt(n));
    return buf;
  },
  fromJSON: (n: number | string) => n,
  toJSON: (n: number | string) => n,
  isValid: (n: unknown) => (typeof n === 'number' && Number.isSafeInteger(n)) || (typeof n === 'string' && /^-?\d{1,20}$/.test(n)),
  compare: (a: number | string, b: number | string) => {
    const d = BigInt(a) - BigInt(b);
    return d === 0n ? 0 : d < 0n ? -1 : 1;
  },
});
