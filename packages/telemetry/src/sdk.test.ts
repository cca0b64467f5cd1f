import { context, propagation, trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { startTelemetry } from './sdk.ts';

describe('startTelemetry', () => {
  it('registers the context manager, the W3C propagators and a sampling tracer provider with the chosen OTLP exporter', async () => {
    const telemetry = await startTelemetry({
      serviceName: 'hookline-test', disabled: false, sampler: 'always_on', samplerRatio: 1, exporters: ['otlp'], protocol: 'http/json', propagators: ['tracecontext', 'baggage'],
    });
    const span = trace.getTracer('t').startSpan('s');
    expect(span.isRecording()).toBe(true);
    const carrier: Record<string, string> = {};
    context.with(trace.setSpan(context.active(), span), () => propagation.inject(context.active(), carrier));
    expect(carrier.traceparent).toMatch(new RegExp(`^00-${span.spanContext().traceId}-${span.spanContext().spanId}-01$`));
    // The context manager carries the active span across awaits.
    await context.with(trace.setSpan(context.active(), span), async () => {
      await new Promise((r) => setImmediate(r));
      expect(trace.getActiveSpan()).toBe(span);
    });
    await telemetry.shutdown();
  });
});
