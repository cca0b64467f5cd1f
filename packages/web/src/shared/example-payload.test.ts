import { describe, expect, it } from 'vitest';
import { examplePayload } from './example-payload.ts';

describe('examplePayload', () => {
  it('builds an object from properties, formats and bounds', () => {
    const schema = {
      type: 'object',
      required: ['id'],
      properties: {
        id: { type: 'string', format: 'uuid' },
        email: { type: 'string', format: 'email' },
        amount: { type: 'integer', minimum: 100 },
        ratio: { type: 'number', maximum: 1 },
        paid: { type: 'boolean' },
        status: { type: 'string', enum: ['open', 'paid'] },
        tags: { type: 'array', items: { type: 'string' } },
        note: { type: ['null', 'string'] },
        at: { type: 'string', format: 'date-time' },
      },
    };
    expect(examplePayload(schema)).toEqual({
      id: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
      email: 'jane@example.com',
      amount: 100,
      ratio: 1,
      paid: true,
      status: 'open',
      tags: ['tags_example'],
      note: 'note_example',
      at: '2026-01-01T12:00:00Z',
    });
  });

  it("prefers the schema's own examples, defaults and consts", () => {
    expect(examplePayload({ type: 'object', examples: [{ a: 1 }] })).toEqual({ a: 1 });
    expect(examplePayload({ type: 'object', properties: { n: { type: 'integer', default: 7 }, k: { const: 'x' } } })).toEqual({ n: 7, k: 'x' });
  });

  it('follows local $refs, merges allOf and takes the first oneOf branch', () => {
    const schema = {
      $defs: { money: { type: 'object', properties: { currency: { type: 'string', minLength: 3, maxLength: 3 } } } },
      allOf: [{ type: 'object', properties: { total: { $ref: '#/$defs/money' } } }, { properties: { kind: { oneOf: [{ const: 'a' }, { const: 'b' }] } } }],
    };
    expect(examplePayload(schema)).toEqual({ total: { currency: 'cur' }, kind: 'a' });
  });

  it('stops on recursive schemas and accepts no schema at all', () => {
    const schema = { $defs: { node: { type: 'object', properties: { child: { $ref: '#/$defs/node' } } } }, $ref: '#/$defs/node' };
    let v: any = examplePayload(schema);
    let depth = 0;
    while (v && typeof v === 'object' && depth < 20) { v = v.child; depth++; }
    expect(depth).toBeLessThan(10);
    expect(examplePayload(null)).toEqual({});
    expect(examplePayload(true)).toEqual({});
  });
});
