import { trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { headerString, spanTraceHeaders, traceparentFor } from './trace-headers.ts';

const PARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const W3C = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

describe('record headers', () => {
  it('reads a header whatever form kafkajs delivered it in', () => {
    expect(headerString({ a: Buffer.from('x'), b: 'y', c: [Buffer.from('z'), 'w'] }, 'a')).toBe('x');
    expect(headerString({ b: 'y' }, 'b')).toBe('y');
    expect(headerString({ c: [Buffer.from('z'), 'w'] }, 'c')).toBe('z');
    expect(headerString({}, 'd')).toBeUndefined();
    expect(headerString(undefined, 'd')).toBeUndefined();
  });

  it('without a tracing SDK a span names no trace, and the outbound traceparent is a child of the record\'s', () => {
    const span = trace.getTracer('test').startSpan('POST');
    expect(spanTraceHeaders(span)).toBeUndefined();
    const child = W3C.exec(traceparentFor(span, PARENT))!;
    expect(child[1]).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(child[2]).not.toBe('b7ad6b7169203331');
    expect(child[3]).toBe('01');
  });

  it('starts a new sampled trace when the record carries none, or a malformed one', () => {
    const span = trace.getTracer('test').startSpan('POST');
    for (const source of [undefined, 'not-a-traceparent']) {
      const t = W3C.exec(traceparentFor(span, source))!;
      expect(t[1]).not.toBe('0af7651916cd43dd8448eb211c80319c');
      expect(t[3]).toBe('01');
    }
    expect(traceparentFor(span, undefined)).not.toBe(traceparentFor(span, undefined));
  });
});
