import { SpanKind } from '@opentelemetry/api';
import { createTestWorld, Receiver, waitFor, type TestWorld } from '@hookline/testing';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTenant, startPipeline, type Pipeline } from './support/pipeline.ts';
import { collectSpans } from './support/tracing.ts';

describe('an inbound webhook is one trace: its request, the produce, fan-out and the delivery', () => {
  const collector = collectSpans();
  let world: TestWorld;
  let pipeline: Pipeline;
  let receiver: Receiver;

  beforeAll(async () => {
    world = createTestWorld('inbound-tracing');
    receiver = await Receiver.start();
    pipeline = await startPipeline(world, { env: { OTEL_SDK_DISABLED: 'false' } });
  });
  afterAll(async () => {
    await pipeline?.stop();
    await receiver?.close();
    await world?.cleanup();
    await collector.shutdown();
  });

  it('the SERVER span of POST /in/:token (token never in it) is the parent of the produce; the webhook carries its trace', async () => {
    const { apiKey } = await createTenant(pipeline.api, world.env.ADMIN_TOKEN!);
    await call('POST', `${pipeline.api}/v1/endpoints`, apiKey, { url: receiver.url('/traced') });
    const source = (await call('POST', `${pipeline.api}/v1/sources`, apiKey, { name: 'traced', provider: 'none', eventType: 'traced.thing' })).json as { id: string; url: string };
    const token = source.url.split('/in/')[1]!;
    let eventId = '';
    // The new endpoint reaches the dispatcher through PostgreSQL notifications: post until one is delivered.
    const [delivered] = await waitFor(async () => {
      const res = await request(source.url, { method: 'POST', body: '{"n":1}', headers: { 'content-type': 'application/json' } });
      expect(res.statusCode).toBe(202);
      eventId = ((await res.body.json()) as { id: string }).id;
      const got = await receiver.waitForRequests(1, { timeoutMs: 2_000, match: (r) => r.headers['webhook-id'] === eventId }).catch(() => []);
      return got.length > 0 ? got : undefined;
    }, { timeoutMs: 30_000, description: 'an inbound event delivered' });

    const produce = await waitFor(() => collector.spans().find((s) => s.kind === SpanKind.PRODUCER && s.attributes['hookline.event_id'] === eventId));
    const traceId = produce.spanContext().traceId;
    const server = collector.spans().find((s) => s.spanContext().spanId === produce.parentSpanContext?.spanId)!;
    expect(server.kind).toBe(SpanKind.SERVER);
    expect(server.name).toBe('POST /in/:token');
    expect(server.attributes).toMatchObject({ 'http.route': '/in/:token', 'url.path': '/in/{token}', 'hookline.source_id': source.id, 'hookline.event_id': eventId, 'http.response.status_code': 202 });
    expect(JSON.stringify(collector.spans().map((s) => [s.name, s.attributes]))).not.toContain(token);
    expect(String(delivered!.headers.traceparent)).toMatch(new RegExp(`^00-${traceId}-`));
  });
});
