import { describe, expect, it } from 'vitest';
import { avroExample } from './avro-example.ts';

describe('avroExample', () => {
  it('builds the JSON data of a record: primitives, defaults, unions, enums, arrays, maps, logical types', () => {
    const schema = {
      type: 'record',
      name: 'Invoice',
      namespace: 'com.example',
      fields: [
        { name: 'id', type: 'string' },
        { name: 'amount', type: 'long' },
        { name: 'rate', type: 'double' },
        { name: 'paid', type: 'boolean' },
        { name: 'currency', type: { type: 'enum', name: 'Currency', symbols: ['EUR', 'USD'] } },
        { name: 'note', type: ['null', 'string'], default: null },
        { name: 'tags', type: { type: 'array', items: 'string' } },
        { name: 'extra', type: { type: 'map', values: 'int' } },
        { name: 'paidAt', type: { type: 'long', logicalType: 'timestamp-millis' } },
        { name: 'other', type: 'Currency' },
      ],
    };
    expect(avroExample(schema)).toEqual({ id: 'string', amount: 42, rate: 4.2, paid: true, currency: 'EUR', note: null, tags: ['string'], extra: { key: 42 }, paidAt: 42, other: 'EUR' });
  });

  it('stops on recursive types', () => {
    const schema = { type: 'record', name: 'Node', fields: [{ name: 'next', type: ['null', 'Node'] }] };
    let v: any = avroExample(schema);
    let depth = 0;
    while (v && depth < 20) { v = v.next; depth++; }
    expect(depth).toBeLessThan(10);
  });
});
