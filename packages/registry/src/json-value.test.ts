import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { JSON_LONG } from './avro-long.ts';
import { isRegistryFramed, schemaIdOf } from './framing.ts';
import { toJsonValue } from './json-value.ts';

describe('decoded values as JSON', () => {
  it('maps 64-bit integers, bytes, dates, maps and non-finite numbers the same for every format', () => {
    const long = { low: -1, high: 0x7fffffff, unsigned: false }; // protobufjs Long: 2^63 - 1
    expect(
      toJsonValue({ a: 5n, b: 2n ** 60n, c: long, d: { low: 7, high: 0, unsigned: true }, e: Buffer.from('hi'), f: new Date(0), g: new Map([['k', 1]]), h: NaN, i: undefined, j: [1, 'x'] }),
    ).toEqual({ a: 5, b: '1152921504606846976', c: '9223372036854775807', d: 7, e: 'aGk=', f: '1970-01-01T00:00:00.000Z', g: { k: 1 }, h: null, j: [1, 'x'] });
  });

  it('refuses values nested deeper than 64 levels', () => {
    let deep: unknown = {};
    for (let i = 0; i < 70; i++) deep = { d: deep };
    expect(() => toJsonValue(deep)).toThrow(/deeper than 64/);
  });

  it('reads Avro longs past 2^53 as decimal strings instead of failing the record', () => {
    const type = avro.Type.forSchema({ type: 'record', name: 'R', fields: [{ name: 'n', type: 'long' }] }, { registry: { long: JSON_LONG } });
    const small = avro.Type.forSchema({ type: 'record', name: 'R', fields: [{ name: 'n', type: 'long' }] }, { registry: { long: JSON_LONG } });
    expect(toJsonValue(type.fromBuffer(type.toBuffer({ n: '9007199254740993' })))).toEqual({ n: '9007199254740993' });
    expect(toJsonValue(small.fromBuffer(small.toBuffer({ n: -42 })))).toEqual({ n: -42 });
  });

  it('tells registry-framed values from JSON envelopes by the first byte', () => {
    expect(isRegistryFramed(Buffer.from('{"a":1}'))).toBe(false);
    expect(isRegistryFramed(Buffer.from(' \n{}'))).toBe(false);
    expect(isRegistryFramed(null)).toBe(false);
    expect(isRegistryFramed(Buffer.from([0, 0, 0, 0, 9, 1]))).toBe(true);
    expect(schemaIdOf(Buffer.from([0, 0, 0, 1, 2, 3]))).toBe(258);
    expect(schemaIdOf(Buffer.from([0, 1]))).toBeUndefined();
  });
});
