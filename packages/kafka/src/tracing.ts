import { context, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span, type Tracer, type TracerProvider } from '@opentelemetry/api';
import type { IHeaders, KafkaMessage } from 'kafkajs';
import { extractTraceContext, spanTraceHeaders } from './trace-headers.ts';

let cached: { provider: TracerProvider; tracer: Tracer } | undefined;

/**
 * The package's tracer, looked up again only when the global tracer provider is another object (`trace.disable()`
 * leaves a new one; tests register and remove theirs): the SDK's `getTracer` builds a key and searches its tracers
 * on every call, which was every record's span. A tracer taken before the SDK registered is the API's proxy, which
 * follows the provider registered later.
 */
function tracer(): Tracer {
  const provider = trace.getTracerProvider();
  if (cached?.provider !== provider) cached = { provider, tracer: provider.getTracer('hookline-kafka') };
  return cached.tracer;
}

/** Marks a span failed with the error, the way every Hookline span reports errors. */
export function recordFailure(span: Span, err: unknown): void {
  span.recordException(err instanceof Error ? err : new Error(String(err)));
  span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
}

/**
 * Starts (without activating) a `send <topic>` PRODUCER span (OpenTelemetry messaging conventions), child of
 * `parent` (default: the active context). For produces that end later or elsewhere than they start: the caller
 * puts its context in the records ({@link headersFor}) and ends it once the broker acknowledged them.
 */
export function startProducerSpan(topic: string, attributes: Attributes = {}, parent: Context = context.active()): Span {
  const span = tracer().startSpan(`send ${topic}`, { kind: SpanKind.PRODUCER }, parent);
  // Attributes only for a span that records (most are not sampled; the SDK would clean them anyway).
  if (span.isRecording()) {
    span.setAttributes({
      'messaging.system': 'kafka',
      'messaging.operation.type': 'send',
      'messaging.operation.name': 'send',
      'messaging.destination.name': topic,
      ...attributes,
    });
  }
  return span;
}

/** Ends a span, failed with `err` when there is one. */
export function endSpan(span: Span, err?: unknown): void {
  if (err !== undefined) recordFailure(span, err);
  span.end();
}

/**
 * Runs `fn` inside a `send <topic>` PRODUCER span (OpenTelemetry messaging conventions); `fn` gets the span, to
 * put its context in the headers of the messages it sends.
 */
export async function producerSpan<T>(topic: string, attributes: Attributes, fn: (span: Span) => Promise<T>): Promise<T> {
  const span = startProducerSpan(topic, attributes);
  return context.with(trace.setSpan(context.active(), span), () => endWith(span, fn));
}

/**
 * Record headers carrying `span`'s context, for messages produced in several traces at once. Without a tracing
 * SDK the span is not valid, and the source record's own `traceparent` (if any) is passed along instead.
 */
export function headersFor(span: Span, source: IHeaders | undefined, headers: IHeaders = {}): IHeaders {
  const own = spanTraceHeaders(span);
  if (own) return { ...headers, ...own };
  const traceparent = source?.traceparent;
  return traceparent ? { ...headers, traceparent } : headers;
}

/**
 * Starts (without activating) the `process <topic>` CONSUMER span of a record, child of the trace it carries.
 * Attributes are built only for a span that records (most are not sampled; the SDK would clean them anyway).
 */
export function startProcessSpan(source: { topic: string; partition: number; message: KafkaMessage; groupId?: string }, attributes: Attributes = {}): Span {
  const span = tracer().startSpan(`process ${source.topic}`, { kind: SpanKind.CONSUMER }, extractTraceContext(source.message.headers));
  if (span.isRecording()) {
    span.setAttributes({
      'messaging.system': 'kafka',
      'messaging.operation.type': 'process',
      'messaging.operation.name': 'process',
      'messaging.destination.name': source.topic,
      'messaging.destination.partition.id': String(source.partition),
      // A record handed over within the process that produced it, before it was fetched, may not know its offset.
      ...(Number(source.message.offset) >= 0 ? { 'messaging.kafka.offset': Number(source.message.offset) } : {}),
      ...(source.groupId ? { 'messaging.consumer.group.name': source.groupId } : {}),
      ...(source.message.key ? { 'messaging.kafka.message.key': source.message.key.toString() } : {}),
      ...attributes,
    });
  }
  return span;
}

/**
 * Runs `fn` inside a `process <topic>` CONSUMER span whose parent is the trace the record's headers carry (so
 * an event published with a `traceparent` keeps one trace across every hop).
 */
export async function processTraced<T>(
  source: { topic: string; partition: number; message: KafkaMessage; groupId?: string },
  attributes: Attributes,
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  const span = startProcessSpan(source, attributes);
  return context.with(trace.setSpan(context.active(), span), () => endWith(span, fn));
}

/** Runs `fn` with the span, records its failure on the span, and ends the span either way. */
async function endWith<T>(span: Span, fn: (span: Span) => Promise<T>): Promise<T> {
  try {
    return await fn(span);
  } catch (err) {
    recordFailure(span, err);
    throw err;
  } finally {
    span.end();
  }
}
