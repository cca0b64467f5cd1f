import { loadConfig } from '@hookline/config';
import { deliveryRecord, encodeRecord, recordHeaders, type DeliveryRecord } from '@hookline/contracts';
import { ACKS_ALL, createProducer } from '@hookline/kafka';
import { createLogger } from '@hookline/telemetry';
import { createTestWorld, Receiver, waitFor, type TestWorld } from '@hookline/testing';
import type { Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type DispatcherApp } from '../services/dispatcher/src/app.ts';
import { dispatcherConfigShape } from '../services/dispatcher/src/config.ts';
import { DispatcherHarness, metricValue } from './dispatcher-fixtures.ts';

const log = createLogger({ service: 'test', level: 'warn' });

const skipped = (app: DispatcherApp) => metricValue(app, 'hookline_deliveries_skipped_total', 'reason="already_succeeded"');

describe('dispatcher: a record an earlier owner may have delivered is not sent again once its delivery succeeded', () => {
  let world: TestWorld;
  let receiver: Receiver;
  let h: DispatcherHarness;
  let producer: Producer;
  let app: DispatcherApp | undefined;
  const start = () => createApp(loadConfig(dispatcherConfigShape, { ...world.env, RETRY_SCHEDULE: '100ms,200ms' }), log);

  beforeAll(async () => {
    world = createTestWorld('dispatcher-repeats');
    receiver = await Receiver.start();
    // A first instance creates the topics and tables, then stops: what it leaves uncommitted is the next owner's.
    app = await start();
    h = new DispatcherHarness(world);
    await h.start();
    await app.stop();
    app = undefined;
    producer = createProducer(world.kafka);
    await producer.connect();
  });
  afterAll(async () => {
    await app?.stop();
    await producer?.disconnect();
    await h?.stop();
    await receiver?.close();
    await world?.cleanup();
  });

  it('skips a re-consumed delivery the tracker recorded as succeeded, sends one it did not, and skips a stale retry record', async () => {
    const ep = await h.endpoint({ url: receiver.url('/repeats') });
    const record = (n: string): DeliveryRecord => ({
      deliveryId: `dlv_${n}`, eventId: `evt_${n}`, tenantId: h.tenantId, endpointId: ep.id, type: 'order.paid', data: { n },
      eventCreatedAt: new Date().toISOString(), attempt: 0,
    });
    // dlv_done was delivered by an owner that crashed before committing; the tracker recorded its success.
    await world.pool.query(
      `INSERT INTO deliveries (id, event_id, tenant_id, endpoint_id, status, created_at) VALUES ('dlv_done', 'evt_done', $1, $2, 'succeeded', now()), ('dlv_retrying', 'evt_retrying', $1, $2, 'retrying', now())`,
      [h.tenantId, ep.id],
    );
    await producer.send({
      topic: world.topics.deliveries,
      acks: ACKS_ALL,
      messages: ['done', 'retrying', 'new'].map((n) => ({ key: ep.id, value: encodeRecord(deliveryRecord, record(n)) })),
    });

    app = await start();
    await receiver.waitForRequests(2, { match: (r) => r.path === '/repeats' });
    await waitFor(async () => (await skipped(app!)) === 1, { timeoutMs: 15_000, description: 'one delivery skipped' });
    const ids = () => receiver.requests.filter((r) => r.path === '/repeats').map((r) => r.headers['webhook-id']);
    expect(ids().sort()).toEqual(['evt_new', 'evt_retrying']);

    // A retry record for a delivery that has succeeded meanwhile (produced twice by a retried hand-off): skipped too.
    const retryTopic = world.topics.retry('100ms');
    await producer.send({
      topic: retryTopic,
      acks: ACKS_ALL,
      messages: [{ key: ep.id, value: encodeRecord(deliveryRecord, { ...record('done'), attempt: 1 }), headers: { [recordHeaders.notBefore]: String(Date.now()) } }],
    });
    await waitFor(async () => (await skipped(app!)) === 2, { timeoutMs: 15_000, description: 'the stale retry record skipped' });
    expect(ids().sort()).toEqual(['evt_new', 'evt_retrying']);
  });
});
