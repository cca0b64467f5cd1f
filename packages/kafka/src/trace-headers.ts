import { context, isSpanContextValid, propagation, trace, type Context, type Span, type TextMapGetter } from '@opentelemetry/api';
import { randomHex } from '@hookline/contracts';
import type { IHeaders } from 'kafkajs';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** Writes the active (or given) context's W3C trace headers (`traceparent`, `tracestate`) into record headers. */
export function injectTraceHeaders(headers: IHeaders = {}, ctx: Context = context.active()): IHeaders {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  return { ...headers, ...carrier };
}

/**
 * Reads record headers for the propagators in place: only the headers they ask for (`traceparent`, `tracestate`,
 * `baggage`) are turned into strings, not every header of every record.
 */
const recordHeaderGetter: TextMapGetter<IHeaders> = {
  keys: (headers) => Object.keys(headers),
  get: (headers, key) => valueString(headers[key]),
};
const NO_HEADERS: IHeaders = {};

/** The context carried by a consumed record's headers (the producer's trace), or the root context. */
export function extractTraceContext(headers: IHeaders | undefined): Context {
  return propagation.extract(context.active(), headers ?? NO_HEADERS, recordHeaderGetter);
}

/** A header's value as a string, whatever form kafkajs delivered it in. */
export function headerString(headers: IHeaders | undefined, name: string): string | undefined {
  return valueString(headers?.[name]);
}

function valueString(value: IHeaders[string]): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}

/** The W3C trace headers (`traceparent`, `tracestate`) naming `span`; none when it is not valid (no tracing SDK). */
export function spanTraceHeaders(span: Span): Record<string, string> | undefined {
  if (!isSpanContextValid(span.spanContext())) return undefined;
  const carrier: Record<string, string> = {};
  propagation.inject(trace.setSpan(context.active(), span), carrier);
  return carrier;
}

/**
 * The W3C `traceparent` for an outbound request made inside `span`: the span's own when tracing is on; otherwise
 * (no SDK, e.g. `OTEL_SDK_DISABLED=true`) a child of the source record's `traceparent` (the same trace id, a new
 * span id), or a new trace when the record carries none, so receivers still get one trace id per event.
 */
export function traceparentFor(span: Span, sourceTraceparent: string | undefined): string {
  const own = spanTraceHeaders(span)?.traceparent;
  if (own) return own;
  const m = sourceTraceparent ? TRACEPARENT.exec(sourceTraceparent.trim()) : null;
  const traceId = m ? m[1]! : randomHex(16);
  const flags = m ? m[3]! : '01';
  return `00-${traceId}-${randomHex(8)}-${flags}`;
}
