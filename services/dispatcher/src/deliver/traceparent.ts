import { randomBytes } from 'node:crypto';
import { context, isSpanContextValid, propagation, trace, type Span } from '@opentelemetry/api';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/**
 * The W3C `traceparent` of an outbound webhook: a child of the Kafka record's trace when it carries one (the
 * same trace id, a new span id), else a new trace.
 */
export function childTraceparent(parent: string | undefined): string {
  const m = parent ? TRACEPARENT.exec(parent.trim()) : null;
  const traceId = m ? m[1]! : randomBytes(16).toString('hex');
  const flags = m ? m[3]! : '01';
  return `00-${traceId}-${randomBytes(8).toString('hex')}-${flags}`;
}

/**
 * The `traceparent` naming `span` when tracing is on; otherwise (no SDK, e.g. `OTEL_SDK_DISABLED=true`) a child
 * of the record's own `traceparent`, so receivers still get one trace id per event.
 */
export function traceparentOf(span: Span, recordTraceparent: string | undefined): string {
  if (isSpanContextValid(span.spanContext())) {
    const carrier: Record<string, string> = {};
    propagation.inject(trace.setSpan(context.active(), span), carrier);
    if (carrier.traceparent) return carrier.traceparent;
  }
  return childTraceparent(recordTraceparent);
}
