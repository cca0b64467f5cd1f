import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { compileAvro, parseAvroDocument } from './avro-codec.ts';
import { SchemaProblem } from './schema-codec.ts';

const order = {
  type: 'record',
  name: 'Order',
  namespace: 'acme',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'qty', type: 'int', default: 1 },
    { name: 'note', type: ['null', 'string'], default: null },
    { name: 'items', type: { type: 'array', items: { type: 'record', name: 'Item', fields: [{ name: 'sku', type: 'string' }, { name: 'price', type: 'double' }] } } },
    { name: 'status', type: { type: 'enum', name: 'Status', symbols: ['PAID', 'SHIPPED'] } },
    { name: 'tags', type: { type: 'map', values: 'long' } },
  ],
};

describe('Avro codec', () => {
  const codec = compileAvro(parseAvroDocument(order));

  it('accepts data that encodes, filling defaults, and encodes it as avsc does', () => {
    const data = { id: 'o1', items: [{ sku: 'a', price: 2.5 }], status: 'PAID', tags: { x: 3 } };
    expect(codec.violations(data)).toEqual([]);
    expect(avro.Type.forSchema(order as avro.Schema).fromBuffer(codec.encode(data))).toMatchObject({ ...data, qty: 1, note: null });
  });

  it('lists every violation with its path, undeclared fields included', () => {
    const v = codec.violations({ qty: 'x', note: 5, items: [{ sku: 1, price: 2 }, 'nope'], status: 'LOST', tags: { y: 'z' }, extra: true });
    expect(v).toEqual([
      { path: 'data', message: 'must not have property "extra" (not a field of acme.Order)' },
      { path: 'data', message: 'must have property "id"' },
      { path: 'data.qty', message: 'must be an int (a 32-bit integer)' },
      { path: 'data.note', message: 'must be a string' },
      { path: 'data.items.0.sku', message: 'must be a string' },
      { path: 'data.items.1', message: 'must be an object (record acme.Item)' },
      { path: 'data.status', message: 'must be one of "PAID", "SHIPPED"' },
      { path: 'data.tags.y', message: 'must be a long (an integer of at most 2^53 in magnitude)' },
    ]);
  });

  it('fingerprints what the schema means, not how it is written', () => {
    const reordered = { fields: order.fields, namespace: 'acme', name: 'Order', type: 'record' };
    expect(compileAvro(JSON.parse(JSON.stringify(reordered, null, 2)) as Record<string, unknown>).fingerprint).toBe(codec.fingerprint);
    const otherDefault = { ...order, fields: order.fields.map((f) => (f.name === 'qty' ? { ...f, default: 2 } : f)) };
    expect(compileAvro(otherDefault).fingerprint).not.toBe(codec.fingerprint);
  });

  it('takes the schema as an object or its JSON text, and refuses what is not a record schema', () => {
    expect(parseAvroDocument(JSON.stringify(order))).toEqual(order);
    expect(() => parseAvroDocument('string')).toThrow(SchemaProblem);
    expect(() => parseAvroDocument({ type: 'array', items: 'int' })).toThrow(/record/);
    expect(() => compileAvro({ type: 'record', name: 'X', fields: [{ name: 'a', type: 'nope' }] })).toThrow(/not a valid Avro schema: .*nope/);
    expect(() => compileAvro({ type: 'record', fields: 'x' })).toThrow(SchemaProblem);
  });
});
