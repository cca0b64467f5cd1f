import { propagation, trace } from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterEach, describe, expect, it } from 'vitest';
import { extractTraceContext, headerString, spanTraceHeaders, traceparentFor } from './trace-headers.ts';
import { startProcessSpan } from './tracing.ts';

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

describe('trace context in record headers', () => {
  afterEach(() => {
    trace.disable();
    propagation.disable();
  });

  it('reads traceparent, tracestate and baggage in any form kafkajs delivers, and nothing from a record without them', () => {
    propagation.setGlobalPropagator(new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }));
    const ctx = extractTraceContext({ traceparent: Buffer.from(PARENT), tracestate: 'k=v', baggage: [Buffer.from('tenant=t1'), 'x=y'], 'hookline-event-id': Buffer.from('e1') });
    const parent = trace.getSpanContext(ctx)!;
    expect(parent).toMatchObject({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1, isRemote: true });
    expect(parent.traceState?.get('k')).toBe('v');
    expect(propagation.getBaggage(ctx)?.getEntry('tenant')?.value).toBe('t1');
    expect(trace.getSpanContext(extractTraceContext(undefined))).toBeUndefined();
    expect(trace.getSpanContext(extractTraceContext({ 'hookline-event-id': 'e1' }))).toBeUndefined();
  });

  it("records a consumer span with whichever tracer provider is registered now, not the one of the first span", () => {
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    const message = { key: null, value: null, timestamp: '0', attributes: 0, offset: '7', headers: { traceparent: PARENT } };
    const spansOf = () => {
      const exporter = new InMemorySpanExporter();
      trace.setGlobalTracerProvider(new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] }));
      startProcessSpan({ topic: 't', partition: 0, message }).end();
      trace.disable();
      return exporter.getFinishedSpans();
    };
    const [first, second] = [spansOf(), spansOf()];
    expect(first.map((s) => s.name)).toEqual(['process t']);
    expect(second.map((s) => s.name)).toEqual(['process t']);
    expect(second[0]!.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
  });
});
