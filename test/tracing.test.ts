import { SpanKind } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { createTestWorld, Receiver, waitFor, type TestWorld } from '@hookline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTenant, startPipeline, type Pipeline } from './support/pipeline.ts';
import { collectSpans } from './support/tracing.ts';

describe('one trace per event across every hop', () => {
  const collector = collectSpans();
  let world: TestWorld;
  let pipeline: Pipeline;
  let receiver: Receiver;

  beforeAll(async () => {
    world = createTestWorld('tracing');
    receiver = await Receiver.start();
    // The first attempt fails, the retry succeeds.
    receiver.respondWith((_req, i) => (i === 0 ? { status: 500, body: 'boom' } : { status: 200 }));
    pipeline = await startPipeline(world, { env: { RETRY_SCHEDULE: '300ms,300ms,300ms', OTEL_SDK_DISABLED: 'false' } });
  });
  afterAll(async () => {
    await pipeline?.stop();
    await receiver?.close();
    await world?.cleanup();
    await collector.shutdown();
  });

  it('links the publish, every produce and its consume, both HTTP attempts and the writes, and the webhook carries it', async () => {
    const { apiKey } = await createTenant(pipeline.api, world.env.ADMIN_TOKEN!);
    const applicationId = (await call('POST', `${pipeline.api}/v1/endpoints`, apiKey, { url: receiver.url('/traced') })).json.applicationId as string;
    const published = await call('POST', `${pipeline.api}/v1/events`, apiKey, { type: 'order.shipped', data: { n: 1 } });
    expect(published.status).toBe(202);
    const eventId = published.json.id as string;
    const requests = await receiver.waitForRequests(2, { timeoutMs: 30_000 });

    const server = await waitFor(() => collector.spans().find((s) => s.kind === SpanKind.SERVER && s.name === 'POST /v1/events'));
    const traceId = server.spanContext().traceId;
    expect(server.attributes['hookline.application_id']).toBe(applicationId);
    for (const r of requests) expect(String(r.headers.traceparent)).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-0[01]$`));

    const inTrace = () => collector.spans().filter((s) => s.spanContext().traceId === traceId);
    const clients = await waitFor(() => {
      const c = inTrace().filter((s) => s.kind === SpanKind.CLIENT);
      return c.length >= 2 ? c.sort((a, b) => Number(a.attributes['hookline.attempt']) - Number(b.attributes['hookline.attempt'])) : undefined;
    });
    const byId = new Map(inTrace().map((s) => [s.spanContext().spanId, s]));
    const parentOf = (s: ReadableSpan) => byId.get(s.parentSpanContext?.spanId ?? '');

    const produce = inTrace().find((s) => s.kind === SpanKind.PRODUCER && s.name === `send ${world.topics.events}`)!;
    expect(parentOf(produce)).toBe(server);
    expect(produce.attributes).toMatchObject({ 'messaging.system': 'kafka', 'messaging.destination.name': world.topics.events, 'hookline.event_id': eventId, 'hookline.application_id': applicationId });

    const fanout = inTrace().find((s) => s.kind === SpanKind.CONSUMER && s.name === `process ${world.topics.events}` && 'hookline.fanout_count' in s.attributes)!;
    expect(parentOf(fanout)).toBe(produce);
    expect(fanout.attributes).toMatchObject({ 'messaging.operation.type': 'process', 'hookline.event_id': eventId, 'hookline.application_id': applicationId });
    expect(fanout.attributes['messaging.kafka.offset']).toEqual(expect.any(Number));

    // The fan-out's own PRODUCER span for this event's deliveries, under its CONSUMER span.
    const sendDeliveries = inTrace().find((s) => s.kind === SpanKind.PRODUCER && s.name === `send ${world.topics.deliveries}`)!;
    expect(parentOf(sendDeliveries)).toBe(fanout);
    expect(sendDeliveries.attributes).toMatchObject({
      'messaging.system': 'kafka', 'messaging.operation.type': 'send', 'messaging.destination.name': world.topics.deliveries,
      'messaging.batch.message_count': 1, 'hookline.event_id': eventId, 'hookline.application_id': applicationId,
    });

    const [first, second] = clients;
    expect(first!.attributes).toMatchObject({ 'http.request.method': 'POST', 'http.response.status_code': 500, 'hookline.attempt': 1, 'hookline.event_id': eventId, 'hookline.application_id': applicationId });
    expect(second!.attributes).toMatchObject({ 'http.response.status_code': 200, 'hookline.attempt': 2 });
    expect(String(first!.attributes['url.full'])).toBe(receiver.url('/traced'));
    const firstConsume = parentOf(first!)!;
    expect(firstConsume.name).toBe(`process ${world.topics.deliveries}`);
    expect(parentOf(firstConsume)).toBe(sendDeliveries);
    // Handed over on the broker's acknowledgement or fetched, the delivery record's span names where it is on the log.
    expect(firstConsume.attributes['messaging.kafka.offset']).toEqual(expect.any(Number));
    expect(firstConsume.attributes['messaging.destination.partition.id']).toEqual(expect.any(String));
    // The failed attempt hands the delivery to a retry tier in a PRODUCER span under the attempt's CLIENT span.
    const retryConsume = parentOf(second!)!;
    expect(retryConsume.name).toMatch(new RegExp(`^process ${world.prefix.replace(/\./g, '\\.')}\\.retry\\.`));
    const sendRetry = parentOf(retryConsume)!;
    expect(sendRetry.kind).toBe(SpanKind.PRODUCER);
    expect(sendRetry.name).toBe(`send ${retryConsume.name.slice('process '.length)}`);
    expect(parentOf(sendRetry)).toBe(first);
    expect(sendRetry.attributes).toMatchObject({ 'messaging.destination.name': retryConsume.name.slice('process '.length), 'messaging.batch.message_count': 1, 'hookline.event_id': eventId, 'hookline.attempt': 1 });

    // The tracker's write of each attempt record is in the trace, under the attempt that produced the record.
    const writes = await waitFor(() => {
      const w = inTrace().filter((s) => s.kind === SpanKind.CONSUMER && s.name === `process ${world.topics.attempts}`);
      return w.length >= 2 ? w : undefined;
    });
    const sendAttempts = writes.map((w) => parentOf(w)!);
    for (const send of sendAttempts) {
      expect(send.kind).toBe(SpanKind.PRODUCER);
      expect(send.name).toBe(`send ${world.topics.attempts}`);
      expect(send.attributes).toMatchObject({ 'messaging.destination.name': world.topics.attempts, 'hookline.event_id': eventId });
    }
    expect(new Set(sendAttempts.map((s) => parentOf(s)))).toEqual(new Set([first, second]));

    // Every hop: each CONSUMER span but the fan-out's (and the tracker's copy of the event) is the child of the
    // PRODUCER span that wrote its record, on the same topic.
    for (const consume of inTrace().filter((s) => s.kind === SpanKind.CONSUMER)) {
      const producedBy = parentOf(consume)!;
      expect(producedBy.kind, consume.name).toBe(SpanKind.PRODUCER);
      expect(producedBy.name, consume.name).toBe(`send ${consume.name.slice('process '.length)}`);
    }

    // The webhook's traceparent names the attempt's client span, so a receiver's spans nest under it.
    expect(String(requests[1]!.headers.traceparent).split('-')[2]).toBe(second!.spanContext().spanId);
  });

  it('continues the trace of a producer that writes straight to Kafka with a traceparent', async () => {
    const { id: tenantId, apiKey } = await createTenant(pipeline.api, world.env.ADMIN_TOKEN!, 'raw');
    await call('POST', `${pipeline.api}/v1/endpoints`, apiKey, { url: receiver.url('/raw') });
    receiver.respondWith({ status: 200 });
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const producer = world.kafka.producer();
    await producer.connect();
    await producer.send({
      topic: world.topics.events,
      messages: [{ value: JSON.stringify({ tenantId, type: 'raw.traced', data: {} }), headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` } }],
    });
    await producer.disconnect();
    const [req] = await receiver.waitForRequests(1, { match: (r) => r.path === '/raw' });
    expect(String(req!.headers.traceparent)).toMatch(new RegExp(`^00-${traceId}-`));
    const fanout = await waitFor(() => collector.spans().find((s) => 'hookline.fanout_count' in s.attributes && s.spanContext().traceId === traceId));
    expect(fanout.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    // The caller's trace goes on through the fan-out's produce to the delivery's consume.
    const consume = await waitFor(() =>
      collector.spans().find((s) => s.kind === SpanKind.CONSUMER && s.name === `process ${world.topics.deliveries}` && s.spanContext().traceId === traceId && s.instrumentationScope.name === 'hookline-kafka' && 'hookline.attempt' in s.attributes),
    );
    const send = collector.spans().find((s) => s.spanContext().spanId === consume.parentSpanContext?.spanId)!;
    expect(send).toMatchObject({ kind: SpanKind.PRODUCER, name: `send ${world.topics.deliveries}` });
    expect(send.parentSpanContext?.spanId).toBe(fanout.spanContext().spanId);
  });
});
