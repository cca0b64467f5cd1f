import { context, INVALID_SPAN_CONTEXT, ROOT_CONTEXT, trace, TraceFlags, type Context, type SpanContext } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { AlwaysOnSampler, InMemorySpanExporter, ParentBasedSampler, SimpleSpanProcessor, TraceIdRatioBasedSampler, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnsampledChildrenProvider } from './unsampled-children.ts';

const hex = (bytes: number, next: () => number) => Array.from({ length: bytes }, () => Math.floor(next() * 256).toString(16).padStart(2, '0')).join('');
const remote = (traceId: string, spanId: string, sampled: boolean): Context =>
  trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId, traceFlags: sampled ? TraceFlags.SAMPLED : TraceFlags.NONE, isRemote: true });

describe('UnsampledChildrenProvider', () => {
  const exporter = new InMemorySpanExporter();
  const sdk = new TracerProvider({ sampler: new ParentBasedSampler({ root: new AlwaysOnSampler() }), spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  const tracer = new UnsampledChildrenProvider(sdk).getTracer('t');
  beforeAll(() => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  });
  afterAll(async () => {
    await sdk.shutdown();
    context.disable();
  });

  it('hands a child of an unsampled parent the parent span itself: same context, nothing recorded', async () => {
    exporter.reset();
    const parentCtx = remote('0af7651916cd43dd8448eb211c80319c', 'b7ad6b7169203331', false);
    const parent = trace.getSpan(parentCtx)!;
    const child = tracer.startSpan('process hookline.events', {}, parentCtx);
    expect(child).toBe(parent);
    expect(child.isRecording()).toBe(false);
    child.setAttribute('a', 1);
    child.end();
    // startActiveSpan runs in the parent's context, with that span active, and passes the result through (a promise too).
    const got = await context.with(parentCtx, () =>
      tracer.startActiveSpan('POST', {}, async (span) => {
        expect(span).toBe(parent);
        await new Promise((r) => setImmediate(r));
        expect(trace.getActiveSpan()).toBe(parent);
        return 42;
      }),
    );
    expect(got).toBe(42);
    expect(exporter.getFinishedSpans()).toEqual([]);
  });

  it('leaves sampled parents, new traces, explicit roots and invalid parents to the SDK', () => {
    exporter.reset();
    const sampledCtx = remote('0af7651916cd43dd8448eb211c80319c', 'b7ad6b7169203331', true);
    const child = tracer.startSpan('child', {}, sampledCtx);
    expect(child.isRecording()).toBe(true);
    expect(child.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(child.spanContext().spanId).not.toBe('b7ad6b7169203331');
    child.end();

    const fresh = tracer.startSpan('fresh', {}, ROOT_CONTEXT);
    expect(fresh.isRecording()).toBe(true);
    fresh.end();

    const unsampledCtx = remote('1af7651916cd43dd8448eb211c80319c', 'c7ad6b7169203331', false);
    const root = tracer.startSpan('root', { root: true }, unsampledCtx);
    expect(root.isRecording()).toBe(true);
    expect(root.spanContext().traceId).not.toBe('1af7651916cd43dd8448eb211c80319c');
    root.end();

    const invalid = tracer.startSpan('after an invalid parent', {}, trace.setSpanContext(ROOT_CONTEXT, INVALID_SPAN_CONTEXT));
    expect(invalid.isRecording()).toBe(true);
    expect(invalid.spanContext().traceId).not.toBe(INVALID_SPAN_CONTEXT.traceId);
    invalid.end();

    const withFn = tracer.startActiveSpan('active', (span) => {
      expect(trace.getActiveSpan()).toBe(span);
      span.end();
      return span;
    });
    expect(withFn.isRecording()).toBe(false); // ended
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['child', 'fresh', 'root', 'after an invalid parent', 'active']);
  });

  it('decides as the SDK alone over 2,000 seeded random parents: recorded or not, trace id and sampled flag the same', () => {
    let seed = 40;
    const next = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    // A parent-based ratio sampler, the services' default, on both sides; the unwrapped SDK is the reference.
    const make = () => new TracerProvider({ sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(0.1) }) });
    const plain = make().getTracer('t');
    const wrapped = new UnsampledChildrenProvider(make()).getTracer('t');
    for (let i = 0; i < 2_000; i++) {
      const kind = next();
      const ctx: Context = kind < 0.2 ? ROOT_CONTEXT : kind < 0.25 ? trace.setSpanContext(ROOT_CONTEXT, INVALID_SPAN_CONTEXT) : remote(hex(16, next), hex(8, next), next() < 0.5);
      const a = plain.startSpan('x', {}, ctx);
      const b = wrapped.startSpan('x', {}, ctx);
      const parent: SpanContext | undefined = trace.getSpanContext(ctx);
      if (parent && parent.traceId !== INVALID_SPAN_CONTEXT.traceId) {
        // A child: the parent decides, so both sides agree, and both keep the parent's trace.
        expect(b.isRecording()).toBe(a.isRecording());
        expect(b.spanContext().traceFlags).toBe(a.spanContext().traceFlags);
        expect(b.spanContext().traceId).toBe(parent.traceId);
        expect(a.spanContext().traceId).toBe(parent.traceId);
      } else {
        // A new trace: the ratio decides on a fresh random id, on either side; the wrapper only passes it to the SDK.
        expect(b.spanContext().traceId).not.toBe(INVALID_SPAN_CONTEXT.traceId);
        expect(b).not.toBe(trace.getSpan(ctx));
      }
      a.end();
      b.end();
    }
  });
});
