import { describe, expect, it } from 'vitest';
import { decodeEvent, storedTraceparent, stripNul } from './tracked-records.ts';

describe('text PostgreSQL cannot store', () => {
  it('lone surrogates become U+FFFD, in values and keys; pairs stay', () => {
    expect(stripNul({ a: 'x\ud800y', 'k\udc00': ['\udbff'], ok: '😀', n: 1 })).toEqual({ a: 'x\uFFFDy', 'k\uFFFD': ['\uFFFD'], ok: '😀', n: 1 });
  });
});

describe('the traceparent the tracker stores', () => {
  const valid = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

  it('keeps a well-formed W3C traceparent', () => {
    expect(storedTraceparent(valid)).toBe(valid);
    expect(storedTraceparent(` ${valid} `)).toBe(valid);
  });

  it.each([undefined, '', '00-zzzz-yyyy-01\u0000', 'x'.repeat(8_000), valid.toUpperCase(), `${valid}-extra`])('drops %j', (header) => {
    expect(storedTraceparent(header)).toBeNull();
  });

  it('a valid event with a garbage traceparent is still an event, without a traceparent', () => {
    const value = Buffer.from(JSON.stringify({ tenantId: 'ten_1', type: 'a.b', data: {} }));
    const decoded = decodeEvent(value, { topic: 't', partition: 0, offset: '1', timestamp: '0', traceparent: 'x\u0000y' });
    expect(decoded.ok && decoded.value.traceparent).toBeNull();
  });
});
