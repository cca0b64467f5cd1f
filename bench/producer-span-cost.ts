/**
 * What the dispatcher's PRODUCER spans cost per event, apart from Kafka: the fan-out's tracing of one event before
 * (a `process` span whose context the deliveries carried) and now (the `process` span plus a `send <deliveries>`
 * PRODUCER span under it, whose context they carry, both ended after the acknowledgement), and an attempt's hand-off
 * (now one PRODUCER span per topic: attempts and a retry tier; before, none). Runs with the services' tracing setup:
 * W3C propagator, async-local context, `parentbased_traceidratio` at OTEL_TRACES_SAMPLER_ARG (default 0.1) and a
 * BatchSpanProcessor whose exporter drops the spans (export cost is the collector's, not the produce path's).
 *
 *   node_modules/.bin/node bench/producer-span-cost.ts [events=50000]
 *
 * Three kinds of incoming record: no `traceparent` (a new trace, sampled at the ratio), a caller's unsampled one
 * (flags 00) and a caller's sampled one (flags 01). Prints one JSON line: ns per event, median of 5 rounds.
 */
import { randomBytes } from 'node:crypto';
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { ExportResultCode, W3CTraceContextPropagator } from '@opentelemetry/core';
import { BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler, TracerProvider } from '@opentelemetry/sdk-trace';
import type { IHeaders, KafkaMessage } from 'kafkajs';
import { endSpan, headersFor, startProcessSpan, startProducerSpan, traceSends } from '@hookline/kafka';

const events = Math.max(10_000, Number(process.argv[2] ?? 50_000));
const ratio = Number(process.env.OTEL_TRACES_SAMPLER_ARG ?? 0.1);
const provider = new TracerProvider({
  sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) }),
  spanProcessors: [new BatchSpanProcessor({ exporter: { export: (_spans, done) => done({ code: ExportResultCode.SUCCESS }), shutdown: async () => {} }, maxQueueSize: 100_000 })],
});
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
propagation.setGlobalPropagator(new W3CTraceContextPropagator());
trace.setGlobalTracerProvider(provider);

const value = Buffer.alloc(200, 'x');
const messageWith = (traceparent?: string): KafkaMessage => ({
  key: null, value, timestamp: '0', attributes: 0, offset: '42',
  headers: traceparent ? { traceparent } : {},
});
const incoming = {
  none: () => messageWith(),
  unsampled: () => messageWith(`00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-00`),
  sampled: () => messageWith(`00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`),
};
const ids = { 'hookline.event_id': 'evt_1', 'hookline.tenant_id': 'ten_1', 'hookline.application_id': 'app_1' };
const source = (message: KafkaMessage) => ({ topic: 'hookline.events', partition: 0, message });

/** Before: the fan-out's process span, its context in the deliveries, ended at once. */
function fanoutBefore(message: KafkaMessage): IHeaders {
  const span = startProcessSpan(source(message), { ...ids, 'hookline.fanout_count': 1 });
  const headers = headersFor(span, message.headers);
  span.end();
  return headers;
}

/** Now: the process span and the event's PRODUCER span under it, both ended once the batch is acknowledged. */
function fanoutNow(message: KafkaMessage): IHeaders {
  const span = startProcessSpan(source(message), { ...ids, 'hookline.fanout_count': 1 });
  const send = startProducerSpan('hookline.deliveries', { 'messaging.batch.message_count': 1, ...ids }, trace.setSpan(context.active(), span));
  const headers = headersFor(send, message.headers);
  endSpan(send);
  endSpan(span);
  return headers;
}

/** An attempt's hand-off now: a PRODUCER span per topic (attempt record, retry tier), records carrying them. */
function handOffNow(message: KafkaMessage): IHeaders {
  const parent = startProcessSpan(source(message));
  const sends = context.with(trace.setSpan(context.active(), parent), () =>
    traceSends(
      [
        { topic: 'hookline.attempts', messages: [{ key: 'k', value }] },
        { topic: 'hookline.retry.30s', messages: [{ key: 'k', value, headers: { 'hookline-not-before': '1' } }] },
      ],
      { ...ids, 'hookline.attempt': 1 },
      { traceparent: String(message.headers?.traceparent ?? '') },
    ),
  );
  sends.end();
  parent.end();
  return sends.topicMessages[0]!.messages[0]!.headers!;
}

/** ns per call of `fn` over `events` calls, median of 5 rounds (after a warm-up round). */
function nsPerCall(fn: (m: KafkaMessage) => IHeaders, make: () => KafkaMessage): number {
  const messages = Array.from({ length: events }, make);
  const rounds: number[] = [];
  for (let round = 0; round < 6; round++) {
    const start = process.hrtime.bigint();
    for (const m of messages) fn(m);
    const ns = Number(process.hrtime.bigint() - start) / events;
    if (round > 0) rounds.push(ns);
  }
  return Math.round(rounds.sort((a, b) => a - b)[2]!);
}

const result: Record<string, unknown> = { events, ratio, node: process.version };
for (const [kind, make] of Object.entries(incoming)) {
  const before = nsPerCall(fanoutBefore, make);
  const now = nsPerCall(fanoutNow, make);
  // The hand-off's parent span alone (not counted: it existed before), to subtract from the hand-off's figure.
  const parentOnly = nsPerCall((m) => {
    const s = startProcessSpan(source(m));
    s.end();
    return {};
  }, make);
  result[kind] = { fanoutBeforeNs: before, fanoutNowNs: now, fanoutAddedNs: now - before, handOffAddedNs: nsPerCall(handOffNow, make) - parentOnly };
}
await provider.shutdown();
console.log(JSON.stringify(result));
