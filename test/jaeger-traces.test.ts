import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestWorld, waitFor, type TestWorld } from '@hookline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJaeger, stopJaeger } from '../infra/jaeger/launcher.ts';
import { describeTrace, JaegerQuery, type JaegerSpan } from './support/jaeger-query.ts';
import { OtelReceiver } from './support/otel-receiver.ts';
import { call, createTenant } from './support/pipeline.ts';
import { freePort, startServiceProcesses, type ServiceProcesses } from './support/service-processes.ts';
import { jaegerUnavailable, sharedCache, startTestJaeger } from './support/test-jaeger.ts';

/**
 * Traces in a real Jaeger (v2, built from the Go module proxy): the services run as processes of their own, each
 * with its OpenTelemetry SDK exporting OTLP/HTTP to a Jaeger of this suite's, and every trace is read back from
 * Jaeger's query API, the one its UI uses. Nothing here collects spans in memory.
 */
const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const traceIdOf = (traceparent: string) => traceparent.split('-')[1]!;
const flagsOf = (traceparent: string) => traceparent.split('-')[3]!;

/** The OpenTelemetry variables `npm start --observability` sets, plus a short batch delay so spans arrive fast. */
const otelEnv = (otlpHttp: string, sampler: string, ratio = '1') => ({
  OTEL_SDK_DISABLED: 'false',
  OTEL_EXPORTER_OTLP_ENDPOINT: otlpHttp,
  OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
  OTEL_TRACES_SAMPLER: sampler,
  OTEL_TRACES_SAMPLER_ARG: ratio,
  OTEL_BSP_SCHEDULE_DELAY: '200',
  RETRY_SCHEDULE: '300ms,300ms,300ms',
});

describe.skipIf(jaegerUnavailable())('traces in Jaeger', () => {
  let world: TestWorld;
  let jaeger: Awaited<ReturnType<typeof startTestJaeger>>;
  let query: JaegerQuery;
  let receiver: OtelReceiver;

  beforeAll(async () => {
    world = createTestWorld('jaeger-traces');
    // A cold build of Jaeger takes minutes (CI builds it before the tests: .ci/run).
    jaeger = await startTestJaeger((msg) => console.log(`[jaeger] ${msg}`));
    query = new JaegerQuery(jaeger.ui);
    receiver = await OtelReceiver.start(jaeger.otlpHttp);
  }, 900_000);
  afterAll(async () => {
    await receiver?.close();
    await jaeger?.stop();
    await world?.cleanup();
  });

  describe('one event, every hop', () => {
    let services: ServiceProcesses;
    beforeAll(async () => {
      services = await startServiceProcesses(world, otelEnv(jaeger.otlpHttp, 'parentbased_always_on'));
    });
    afterAll(() => services?.stop());

    /** How many spans of each service a trace has. */
    const count = (spans: JaegerSpan[], service: string) => spans.filter((s) => s.service === service).length;
    /**
     * The trace's spans once each service has exported as many as `expected` says (the SDKs batch for 200 ms);
     * the last answer is in the failure message.
     */
    const traceOnceComplete = async (traceId: string, expected: Record<string, number>) => {
      let last: JaegerSpan[] = [];
      try {
        return await waitFor(async () => {
          last = await query.trace(traceId);
          return Object.entries(expected).every(([service, n]) => count(last, service) >= n) ? last : undefined;
        }, { timeoutMs: 30_000, intervalMs: 250, description: `trace ${traceId} complete in Jaeger (${JSON.stringify(expected)})` });
      } catch (error) {
        throw new Error(`${(error as Error).message}; it has:\n${describeTrace(last)}`, { cause: error });
      }
    };

    it('an event published over HTTP: API, every produce and its consume (events, deliveries, retry tier, attempts), both attempts, tracker writes, receiver', async () => {
      const { apiKey } = await createTenant(services.api, world.env.ADMIN_TOKEN!, 'traced');
      expect((await call('GET', `${services.api}/metrics`)).status).toBe(200);
      receiver.failOnce('/traced');
      const endpoint = await call('POST', `${services.api}/v1/endpoints`, apiKey, { url: receiver.url('/traced') });
      expect(endpoint.status).toBe(201);
      const published = await call('POST', `${services.api}/v1/events`, apiKey, { type: 'order.shipped', data: { n: 1 } });
      expect(published.status).toBe(202);
      const eventId = published.json.id as string;
      const [first, second] = await waitFor(() => {
        const got = receiver.requests.filter((r) => r.path === '/traced');
        return got.length >= 2 ? got : undefined;
      }, { timeoutMs: 30_000, description: 'both attempts at the receiver' });
      const traceId = traceIdOf(first!.traceparent);
      expect(traceIdOf(second!.traceparent)).toBe(traceId);

      // ingest: API, produce; dispatcher: fan-out, its produce of the delivery, delivery, attempt, its produces (attempt
      // record, retry tier), retry tier, attempt, its produces (attempt record, the endpoint's recovery on the
      // operational topic); tracker: the event, the delivery and both attempts written; the receiver: both webhooks.
      const spans = await traceOnceComplete(traceId, { 'hookline-ingest': 2, 'hookline-dispatcher': 10, 'hookline-tracker': 4, 'test-receiver': 2 });
      console.log(describeTrace(spans));
      const byId = new Map(spans.map((s) => [s.spanId, s]));
      const parentOf = (s: JaegerSpan) => byId.get(s.parentId ?? '');
      const one = (what: string, pick: (s: JaegerSpan) => boolean) => {
        const found = spans.filter(pick);
        expect(found.map((s) => `${s.service} ${s.name}`), `${what} in\n${describeTrace(spans)}`).toHaveLength(1);
        return found[0]!;
      };

      // Every span of the trace has its parent in the trace (the API span is the root).
      const api = one('API span', (s) => s.service === 'hookline-ingest' && s.kind === 'server');
      expect(api.name).toBe('POST /v1/events');
      expect(api.parentId).toBeUndefined();
      for (const s of spans) if (s !== api) expect(parentOf(s), `${s.service} ${s.name}`).toBeDefined();
      expect(api.attributes).toMatchObject({ 'http.request.method': 'POST', 'http.route': '/v1/events', 'http.response.status_code': 202, 'url.path': '/v1/events' });

      const produce = one('events produce', (s) => s.kind === 'producer' && s.name === `send ${world.topics.events}`);
      expect(parentOf(produce)).toBe(api);
      expect(produce.attributes).toMatchObject({ 'messaging.system': 'kafka', 'messaging.operation.type': 'send', 'messaging.destination.name': world.topics.events, 'hookline.event_id': eventId });

      const fanout = one('fan-out', (s) => s.service === 'hookline-dispatcher' && s.name === `process ${world.topics.events}`);
      expect(fanout.kind).toBe('consumer');
      expect(parentOf(fanout)).toBe(produce);
      expect(fanout.attributes).toMatchObject({ 'messaging.system': 'kafka', 'messaging.operation.type': 'process', 'messaging.destination.name': world.topics.events, 'hookline.event_id': eventId, 'hookline.fanout_count': 1 });
      expect(fanout.attributes['messaging.kafka.offset']).toEqual(expect.any(Number));
      expect(fanout.attributes['messaging.destination.partition.id']).toMatch(/^\d+$/);

      const sendDeliveries = one('deliveries produce', (s) => s.service === 'hookline-dispatcher' && s.name === `send ${world.topics.deliveries}`);
      expect(sendDeliveries.kind).toBe('producer');
      expect(parentOf(sendDeliveries)).toBe(fanout);
      expect(sendDeliveries.attributes).toMatchObject({
        'messaging.system': 'kafka', 'messaging.operation.type': 'send', 'messaging.destination.name': world.topics.deliveries,
        'messaging.batch.message_count': 1, 'hookline.event_id': eventId,
      });

      const delivery = one('deliveries consume', (s) => s.service === 'hookline-dispatcher' && s.name === `process ${world.topics.deliveries}`);
      expect(delivery.kind).toBe('consumer');
      expect(parentOf(delivery)).toBe(sendDeliveries);
      expect(delivery.attributes).toMatchObject({ 'messaging.system': 'kafka', 'messaging.destination.name': world.topics.deliveries });

      const clients = spans.filter((s) => s.kind === 'client').sort((a, b) => Number(a.attributes['hookline.attempt']) - Number(b.attributes['hookline.attempt']));
      expect(clients).toHaveLength(2);
      const [attempt1, attempt2] = clients as [JaegerSpan, JaegerSpan];
      expect(parentOf(attempt1)).toBe(delivery);
      expect(attempt1.attributes).toMatchObject({ 'http.request.method': 'POST', 'url.full': receiver.url('/traced'), 'http.response.status_code': 503, 'hookline.attempt': 1, 'hookline.event_id': eventId });
      const retry = parentOf(attempt2)!;
      expect(retry.kind).toBe('consumer');
      expect(retry.name).toMatch(new RegExp(`^process ${world.prefix.replace(/\./g, '\\.')}\\.retry\\.`));
      expect(retry.attributes).toMatchObject({ 'messaging.system': 'kafka', 'messaging.operation.type': 'process' });
      const retryTopic = retry.name.slice('process '.length);
      const sendRetry = one('retry tier produce', (s) => s.name === `send ${retryTopic}`);
      expect(parentOf(retry)).toBe(sendRetry);
      expect(sendRetry.kind).toBe('producer');
      expect(parentOf(sendRetry)).toBe(attempt1);
      expect(sendRetry.attributes).toMatchObject({
        'messaging.system': 'kafka', 'messaging.operation.type': 'send', 'messaging.destination.name': retryTopic,
        'messaging.batch.message_count': 1, 'hookline.event_id': eventId, 'hookline.attempt': 1,
      });
      expect(attempt2.attributes).toMatchObject({ 'http.request.method': 'POST', 'http.response.status_code': 204, 'hookline.attempt': 2 });

      // Each attempt's record is produced in a PRODUCER span under the attempt's CLIENT span.
      const sendAttempts = spans.filter((s) => s.name === `send ${world.topics.attempts}`);
      expect(sendAttempts.map((s) => parentOf(s)?.spanId).sort()).toEqual([attempt1.spanId, attempt2.spanId].sort());
      for (const s of sendAttempts) {
        expect(s.attributes).toMatchObject({ 'span.kind': 'producer', 'messaging.system': 'kafka', 'messaging.destination.name': world.topics.attempts, 'hookline.event_id': eventId });
      }
      const [sendAttempt1, sendAttempt2] = [attempt1, attempt2].map((a) => sendAttempts.find((s) => s.parentId === a.spanId)!);
      expect(sendAttempt1!.attributes['hookline.attempt']).toBe(1);
      expect(sendAttempt2!.attributes['hookline.attempt']).toBe(2);

      // The tracker's writes: each under the PRODUCER span that wrote its record.
      const writes = spans.filter((s) => s.service === 'hookline-tracker');
      for (const w of writes) expect(w.kind).toBe('consumer');
      expect(writes.map((w) => [w.name, parentOf(w)?.spanId]).sort()).toEqual(
        [
          [`process ${world.topics.events}`, produce.spanId],
          [`process ${world.topics.deliveries}`, sendDeliveries.spanId],
          [`process ${world.topics.attempts}`, sendAttempt1!.spanId],
          [`process ${world.topics.attempts}`, sendAttempt2!.spanId],
        ].sort(),
      );

      // The recovered endpoint's operational record is produced in the second attempt's hand-off, in its own span.
      const sendOperational = one('operational produce', (s) => s.name === `send ${world.topics.operational}`);
      expect(parentOf(sendOperational)).toBe(attempt2);
      expect(sendOperational.kind).toBe('producer');

      // Every hop: each CONSUMER span is the child of the PRODUCER span that wrote its record, on the same topic.
      for (const consume of spans.filter((s) => s.kind === 'consumer')) {
        const producedBy = parentOf(consume)!;
        expect(producedBy.kind, `${consume.service} ${consume.name}`).toBe('producer');
        expect(producedBy.name, `${consume.service} ${consume.name}`).toBe(`send ${consume.name.slice('process '.length)}`);
      }
      // And every PRODUCER span is a child of the span that handled what led to it (no produce outside the trace).
      for (const p of spans.filter((s) => s.kind === 'producer')) expect(['server', 'consumer', 'client']).toContain(parentOf(p)?.kind);
      for (const w of writes) expect(w.attributes, w.name).toMatchObject({ 'messaging.system': 'kafka', 'messaging.operation.type': 'process', 'messaging.destination.name': w.name.slice('process '.length) });

      // The receiver (OpenTelemetry SDK of its own) continued each webhook's traceparent: its span is the attempt's child.
      const received = spans.filter((s) => s.service === 'test-receiver');
      expect(received.map((r) => r.kind)).toEqual(['server', 'server']);
      expect(new Set(received.map((r) => parentOf(r)))).toEqual(new Set([attempt1, attempt2]));
      expect(first!.traceparent.split('-')[2]).toBe(attempt1.spanId);
      expect(second!.traceparent.split('-')[2]).toBe(attempt2.spanId);

      // Probes and scrapes (readiness polled at start, /metrics above, all exported before this trace) are not traced.
      const operations = await query.operations('hookline-ingest');
      expect(operations).toContain('POST /v1/events');
      expect(operations.filter((o) => /healthz|readyz|metrics/.test(o))).toEqual([]);
    });

    it('a record written straight to Kafka with a traceparent: its whole delivery in the producer\'s trace', async () => {
      const { id: tenantId, apiKey } = await createTenant(services.api, world.env.ADMIN_TOKEN!, 'raw');
      expect((await call('POST', `${services.api}/v1/endpoints`, apiKey, { url: receiver.url('/raw') })).status).toBe(201);
      const traceId = hex(16);
      const callerSpan = hex(8);
      const producer = world.kafka.producer();
      await producer.connect();
      await producer.send({
        topic: world.topics.events,
        messages: [{ value: JSON.stringify({ tenantId, type: 'raw.traced', data: {} }), headers: { traceparent: `00-${traceId}-${callerSpan}-01` } }],
      });
      await producer.disconnect();

      const spans = await traceOnceComplete(traceId, { 'hookline-dispatcher': 5, 'hookline-tracker': 3, 'test-receiver': 1 });
      const byId = new Map(spans.map((s) => [s.spanId, s]));
      const of = (service: string, name: string) => spans.find((s) => s.service === service && s.name === name)!;
      const fanout = of('hookline-dispatcher', `process ${world.topics.events}`);
      expect(fanout.parentId).toBe(callerSpan);
      expect(of('hookline-tracker', `process ${world.topics.events}`).parentId).toBe(callerSpan);
      const sendDeliveries = of('hookline-dispatcher', `send ${world.topics.deliveries}`);
      expect(sendDeliveries.parentId).toBe(fanout.spanId);
      const delivery = of('hookline-dispatcher', `process ${world.topics.deliveries}`);
      expect(delivery.parentId).toBe(sendDeliveries.spanId);
      expect(of('hookline-tracker', `process ${world.topics.deliveries}`).parentId).toBe(sendDeliveries.spanId);
      const attempt = spans.find((s) => s.kind === 'client')!;
      expect(attempt.parentId).toBe(delivery.spanId);
      expect(attempt.attributes).toMatchObject({ 'http.request.method': 'POST', 'http.response.status_code': 204, 'hookline.attempt': 1, 'url.full': receiver.url('/raw') });
      const sendAttempt = of('hookline-dispatcher', `send ${world.topics.attempts}`);
      expect(sendAttempt.parentId).toBe(attempt.spanId);
      expect(of('hookline-tracker', `process ${world.topics.attempts}`).parentId).toBe(sendAttempt.spanId);
      expect(byId.get(spans.find((s) => s.service === 'test-receiver')!.parentId!)).toBe(attempt);
      // dispatcher: fan-out, send deliveries, delivery, attempt, send attempts; tracker: 3 writes; the receiver.
      expect(spans, describeTrace(spans)).toHaveLength(9);
    });
  });

  it('keeps no traces of its own query API, even with its SDK pointed at its own receiver', async () => {
    const home = mkdtempSync(join(tmpdir(), 'hookline-jaeger-self-'));
    const ports = { otlpGrpc: await freePort(), otlpHttp: await freePort(), query: await freePort(), queryGrpc: await freePort() };
    // What the launcher's environment would hand Jaeger's own SDK: export to its receiver, every 100 ms.
    const inherited = { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${ports.otlpGrpc}`, OTEL_BSP_SCHEDULE_DELAY: '100' };
    const saved = Object.fromEntries(Object.keys(inherited).map((key) => [key, process.env[key]]));
    Object.assign(process.env, inherited);
    try {
      const own = await startJaeger({ home, cache: sharedCache(), ports });
      const self = new JaegerQuery(own.ui);
      // A marker trace sent after the API calls and seen back: anything the calls exported (every 100 ms, then the
      // pipeline's 200 ms batch) is stored by the second round.
      for (const round of [1, 2]) {
        for (let i = 0; i < 5; i++) await self.services();
        const traceId = hex(16);
        const span = { traceId, spanId: hex(8), name: `marker ${round}`, kind: 1, startTimeUnixNano: `${Date.now() * 1e6}`, endTimeUnixNano: `${(Date.now() + 1) * 1e6}` };
        const body = { resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'marker' } }] }, scopeSpans: [{ spans: [span] }] }] };
        expect((await fetch(`${own.otlpHttp}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).status).toBe(200);
        await waitFor(async () => (await self.trace(traceId)).length === 1, { timeoutMs: 15_000, intervalMs: 100, description: `marker ${round} in Jaeger` });
      }
      expect(await self.services()).toEqual(['marker']);
    } finally {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
      await stopJaeger({ home });
      rmSync(home, { recursive: true, force: true });
    }
  });

  describe('sampling', () => {
    const RATIO = 0.25;
    const N = 200;
    let services: ServiceProcesses;
    beforeAll(async () => {
      services = await startServiceProcesses(world, otelEnv(jaeger.otlpHttp, 'parentbased_traceidratio', String(RATIO)));
    });
    afterAll(() => services?.stop());

    it(`samples ${RATIO * 100} % of new traces (binomial: ${N} events within 4 standard deviations) and follows every caller's decision`, async () => {
      const since = Date.now();
      const { apiKey } = await createTenant(services.api, world.env.ADMIN_TOKEN!, 'sampled');
      expect((await call('POST', `${services.api}/v1/endpoints`, apiKey, { url: receiver.url('/sampled') })).status).toBe(201);
      const publish = (headers: Record<string, string> = {}) => call('POST', `${services.api}/v1/events`, apiKey, { type: 'load.tick', data: {} }, headers);
      // N new traces, 10 at a time; then 20 whose caller sampled them and 20 whose caller did not.
      for (let i = 0; i < N; i += 10) {
        const answers = await Promise.all(Array.from({ length: 10 }, () => publish()));
        for (const a of answers) expect(a.status).toBe(202);
      }
      const callerSampled = Array.from({ length: 20 }, () => hex(16));
      const callerNotSampled = Array.from({ length: 20 }, () => hex(16));
      for (const id of callerSampled) expect((await publish({ traceparent: `00-${id}-${hex(8)}-01` })).status).toBe(202);
      for (const id of callerNotSampled) expect((await publish({ traceparent: `00-${id}-${hex(8)}-00` })).status).toBe(202);
      const webhooks = await waitFor(() => {
        const got = receiver.requests.filter((r) => r.path === '/sampled');
        return got.length >= N + 40 ? got : undefined;
      }, { timeoutMs: 60_000, description: `${N + 40} webhooks` });

      // The decision rides in each webhook's traceparent (flags 01 or 00): the services decided it, not this test.
      const callerIds = new Set([...callerSampled, ...callerNotSampled]);
      const fresh = webhooks.filter((w) => !callerIds.has(traceIdOf(w.traceparent)));
      expect(fresh).toHaveLength(N);
      const sampled = new Set(fresh.filter((w) => flagsOf(w.traceparent) === '01').map((w) => traceIdOf(w.traceparent)));
      const share = sampled.size / N;
      // Binomial(N, RATIO): sd = sqrt(RATIO (1 - RATIO) / N) = 0.0306 for 200 at 0.25; 4 sd either side (±0.122) fails
      // a correct sampler about once in 16,000 runs, and still catches 10 % or 50 % sampling.
      const sd = Math.sqrt((RATIO * (1 - RATIO)) / N);
      console.log(`sampled share: ${sampled.size}/${N} = ${share.toFixed(3)} (ratio ${RATIO}, tolerance ±${(4 * sd).toFixed(3)})`);
      expect(Math.abs(share - RATIO)).toBeLessThanOrEqual(4 * sd);

      // Jaeger holds exactly the sampled ones (each trace's API span) and every caller-sampled one; none of the rest.
      const expected = new Set([...sampled, ...callerSampled]);
      const inJaeger = await waitFor(async () => {
        const ids = await query.traceIds('hookline-ingest', 'POST /v1/events', since);
        return [...expected].every((id) => ids.has(id)) ? ids : undefined;
      }, { timeoutMs: 30_000, intervalMs: 500, description: 'every sampled trace in Jaeger' });
      expect([...inJaeger].filter((id) => !expected.has(id))).toEqual([]);
      for (const id of callerSampled) {
        const webhook = webhooks.find((w) => traceIdOf(w.traceparent) === id)!;
        expect(flagsOf(webhook.traceparent)).toBe('01');
      }
      for (const id of callerNotSampled) {
        expect(flagsOf(webhooks.find((w) => traceIdOf(w.traceparent) === id)!.traceparent)).toBe('00');
      }
      // A caller-sampled trace is complete: API, produce, fan-out, send deliveries, delivery, attempt, send attempts,
      // the tracker's 3 writes, receiver.
      const spans = await waitFor(async () => {
        const s = await query.trace(callerSampled[0]!);
        return s.length >= 11 ? s : undefined;
      }, { timeoutMs: 30_000, description: 'a caller-sampled trace complete' });
      expect(new Set(spans.map((s) => s.service))).toEqual(new Set(['hookline-ingest', 'hookline-dispatcher', 'hookline-tracker', 'test-receiver']));
    });
  });
});
