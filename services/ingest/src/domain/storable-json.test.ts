import { describe, expect, it } from 'vitest';
import { findUnstorable, MAX_JSON_DEPTH } from './storable-json.ts';

const nested = (depth: number): unknown => {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
};

describe('findUnstorable', () => {
  it('accepts ordinary JSON, and text that only spells \\u0000', () => {
    expect(findUnstorable({ type: 'a', data: { list: [1, 'x', { y: null }], text: '\\u0000' } })).toBeUndefined();
    expect(findUnstorable(nested(MAX_JSON_DEPTH))).toBeUndefined();
  });

  it('names the field holding U+0000, in a value or a key', () => {
    expect(findUnstorable({ description: 'a\u0000b' })).toEqual({ path: 'description', message: expect.stringMatching(/U\+0000/) });
    expect(findUnstorable({ data: { list: ['ok', 'bad\u0000'] } })?.path).toBe('data.list.1');
    expect(findUnstorable({ metadata: { 'k\u0000': 1 } })?.path).toBe('metadata.k\\u0000');
    expect(findUnstorable('\u0000')?.path).toBe('(body)');
  });

  it('refuses nesting deeper than the limit, however deep, without recursion', () => {
    expect(findUnstorable(nested(MAX_JSON_DEPTH + 1))?.message).toMatch(/deeper than 64/);
    expect(findUnstorable(nested(200_000))?.message).toMatch(/deeper/);
  });
});
