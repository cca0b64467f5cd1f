import { encodeRecord, eventRecord, recordHeaders } from '@hookline/contracts';
import { AttemptsRepository, createPool, DeliveriesRepository, EndpointStatsRepository, EventsRepository } from '@hookline/db';
import { ACKS_ALL, headerString } from '@hookline/kafka';
import { loadConfig } from '@hookline/config';
import { createLogger } from '@hookline/telemetry';
import { createTestWorld, waitFor, type TestWorld } from '@hookline/testing';
import type { Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type TrackerApp } from '../services/tracker/src/app.ts';
import { trackerConfigShape } from '../services/tracker/src/config.ts';
import { PgTrackingStore } from '../services/tracker/src/repositories/pg-tracking-store.ts';
import {
  attempt,
  delivery,
  produceAttempts,
  produceDeliveries,
  rewindGroup,
  waitForCount,
  waitForGroupCaughtUp,
  worldProducer,
} from './tracker-fixtures.ts';

const log = createLogger({ service: 'test', level: 'warn' });
const at = (base: number, s: number) => new Date(base + s * 1_000).toISOString();

describe('tracker: persistence of events, deliveries and attempts', () => {
  let world: TestWorld;
  let producer: Producer;
  let tracker: TrackerApp | undefined;
  const start = async () => {
    tracker = await createApp(loadConfig(trackerConfigShape, { ...world.env, TRACKER_BATCH_ROWS: '7' }), log);
  };

  beforeAll(async () => {
    world = createTestWorld('tracker-persistence');
    producer = await worldProducer(world);
    await start();
  });

  afterAll(async () => {
    await tracker?.stop();
    await producer?.disconnect();
    await world?.cleanup();
  });

  it('records events (with and without id), pending deliveries, attempts and the delivery status', async () => {
    await producer.send({
      topic: world.topics.events,
      acks: ACKS_ALL,
      messages: [
        { key: 'ten_p', value: encodeRecord(eventRecord, { id: 'evt_p1', tenantId: 'ten_p', type: 'order.paid', data: { total: 5 }, createdAt: '2030-01-01T00:00:00.123Z' }) },
        { key: 'ten_p', value: encodeRecord(eventRecord, { tenantId: 'ten_p', type: 'order.paid', data: { total: 6 } }), headers: { traceparent: '00-0123456789abcdef0123456789abcdef-0123456789abcdef-01' } },
      ],
    });
    await produceDeliveries(producer, world, [delivery({ deliveryId: 'dlv_p1', eventId: 'evt_p1', tenantId: 'ten_p', endpointId: 'ep_p', type: 'order.paid' })]);
    await waitForCount(world, "SELECT count(*) AS n FROM events WHERE tenant_id = 'ten_p'", 2);
    await waitForCount(world, "SELECT count(*) AS n FROM deliveries WHERE id = 'dlv_p1' AND status = 'pending'", 1);

    const events = new EventsRepository(world.pool);
    const page1 = await events.list('ten_p', { limit: 1 });
    expect(page1.data).toHaveLength(1);
    expect(page1.data[0]).toMatchObject({ id: 'evt_p1', type: 'order.paid', data: { total: 5 } });
    const page2 = await events.list('ten_p', { limit: 1, cursor: page1.nextCursor! });
    expect(page2.data[0]!.id).toMatch(/^evt_[0-9a-f]{32}$/); // derived from the record's position, as fan-out does
    expect(page2.nextCursor).toBeNull();
    await expect(events.list('ten_p', { limit: 1, cursor: 'garbage' })).rejects.toThrow(RangeError);
    expect(await events.get('other-tenant', 'evt_p1')).toBeNull();

    const base = Date.now();
    await produceAttempts(producer, world, [
      attempt({ deliveryId: 'dlv_p1', eventId: 'evt_p1', tenantId: 'ten_p', endpointId: 'ep_p', attempt: 1, outcome: 'http_error', status: 'retrying', statusCode: 500, startedAt: at(base, 0), nextAttemptAt: at(base, 5) }),
    ]);
    await waitForCount(world, "SELECT count(*) AS n FROM deliveries WHERE id = 'dlv_p1' AND status = 'retrying'", 1);
    await produceAttempts(producer, world, [
      attempt({ deliveryId: 'dlv_p1', eventId: 'evt_p1', tenantId: 'ten_p', endpointId: 'ep_p', attempt: 2, startedAt: at(base, 5) }),
    ]);
    await waitForCount(world, "SELECT count(*) AS n FROM deliveries WHERE id = 'dlv_p1' AND status = 'succeeded'", 1);
    const [d] = await new DeliveriesRepository(world.pool).forEvent('ten_p', 'evt_p1');
    expect(d).toMatchObject({ status: 'succeeded', attempts: 2, lastStatusCode: 200, nextAttemptAt: null, eventType: 'order.paid', endpointId: 'ep_p' });
    const attempts = await new AttemptsRepository(world.pool).forDelivery('ten_p', 'dlv_p1');
    expect(attempts.map((a) => [a.attempt, a.status_code])).toEqual([[1, 500], [2, 200]]);
  });

  it('never moves a delivery backwards when attempts arrive out of order', async () => {
    const base = Date.now();
    const a = (n: number, s: number, status: 'retrying' | 'succeeded' | 'dead', id = 'dlv_o1') =>
      attempt({ deliveryId: id, attempt: n, startedAt: at(base, s), status, outcome: status === 'succeeded' ? 'succeeded' : 'http_error', statusCode: status === 'succeeded' ? 200 : 503 });
    // A late failure after the success, one message at a time (separate batches), and within one batch.
    await produceAttempts(producer, world, [a(3, 30, 'succeeded')]);
    await waitForCount(world, "SELECT count(*) AS n FROM deliveries WHERE id = 'dlv_o1' AND status = 'succeeded'", 1);
    await produceAttempts(producer, world, [a(2, 20, 'retrying')]);
    await produceAttempts(producer, world, [a(1, 10, 'retrying'), a(4, 40, 'retrying', 'dlv_o2'), a(5, 50, 'dead', 'dlv_o2'), a(3, 30, 'retrying', 'dlv_o2')]);
    await waitForCount(world, "SELECT coalesce(sum(attempts), 0) AS n FROM deliveries WHERE id IN ('dlv_o1', 'dlv_o2')", 6);
    await produceAttempts(producer, world, [a(2, 20, 'retrying', 'dlv_o2')]);
    await waitForCount(world, "SELECT attempts AS n FROM deliveries WHERE id = 'dlv_o2'", 4);

    const repo = new DeliveriesRepository(world.pool);
    expect(await repo.get('ten_1', 'dlv_o1')).toMatchObject({ status: 'succeeded', attempts: 3, lastStatusCode: 200 });
    // The newest attempt (dead, #5) wins over the older retrying ones, whatever their arrival order.
    expect(await repo.get('ten_1', 'dlv_o2')).toMatchObject({ status: 'dead', attempts: 4, nextAttemptAt: null });
    const { rows } = await world.pool.query("SELECT last_attempt FROM deliveries WHERE id = 'dlv_o2'");
    expect(rows[0].last_attempt).toBe(5);
  });

  it('keeps the last hour of attempts per endpoint in rollups (open-circuit skips not counted)', async () => {
    const base = Date.now() - 120_000;
    const records = [
      ...Array.from({ length: 8 }, (_, i) => attempt({ deliveryId: `dlv_h${i}`, endpointId: 'ep_h', durationMs: 40 + i, startedAt: at(base, i) })),
      attempt({ deliveryId: 'dlv_h8', endpointId: 'ep_h', outcome: 'timeout', status: 'retrying', statusCode: null, durationMs: 5_000, startedAt: at(base, 20) }),
      attempt({ deliveryId: 'dlv_h9', endpointId: 'ep_h', outcome: 'http_error', status: 'retrying', statusCode: 500, durationMs: 900, startedAt: at(base, 30) }),
      attempt({ deliveryId: 'dlv_h10', endpointId: 'ep_h', outcome: 'circuit_open', status: 'retrying', statusCode: null, durationMs: 0, startedAt: at(base, 40) }),
    ];
    await produceAttempts(producer, world, records);
    await waitForCount(world, "SELECT count(*) AS n FROM attempts WHERE endpoint_id = 'ep_h'", records.length);
    const health = await new EndpointStatsRepository(world.pool).get('ep_h');
    // The endpoint's state (failing since, last success and failure) is the dispatcher's endpoint_health, not the tracker's.
    expect(health).toEqual({ attempts1h: 10, successRate1h: 0.8, p50Ms: expect.any(Number), p99Ms: expect.any(Number) });
    // The open-circuit skip is recorded (the delivery's history says why it waited) but spends no attempt.
    expect((await world.pool.query("SELECT attempts, last_outcome FROM deliveries WHERE id = 'dlv_h10'")).rows[0]).toEqual({ attempts: 0, last_outcome: 'circuit_open' });
    expect(health.p50Ms).toBeGreaterThan(25);
    expect(health.p50Ms).toBeLessThanOrEqual(50);
    expect(health.p99Ms).toBeGreaterThan(3_000);
    await produceAttempts(producer, world, [attempt({ deliveryId: 'dlv_h11', endpointId: 'ep_h', startedAt: at(base, 50) })]);
    await waitFor(async () => (await new EndpointStatsRepository(world.pool).get('ep_h')).attempts1h === 11, { description: 'the next attempt rolled up' });
    expect(await world.pool.query("SELECT 1 FROM endpoint_outcomes WHERE endpoint_id = 'ep_h'")).toMatchObject({ rowCount: 0 });
    expect(await new EndpointStatsRepository(world.pool).get('ep_unknown')).toEqual({ attempts1h: 0, successRate1h: null, p50Ms: null, p99Ms: null });
  });

  it('routes undecodable attempts to the invalid topic and stores bodies the database would refuse', async () => {
    await producer.send({ topic: world.topics.attempts, acks: ACKS_ALL, messages: [{ key: 'x', value: '{"not":"an attempt"}' }] });
    await produceAttempts(producer, world, [attempt({ deliveryId: 'dlv_nul', responseBody: 'bin\u0000ary', error: 'e\u0000' })]);
    await waitForCount(world, "SELECT count(*) AS n FROM attempts WHERE delivery_id = 'dlv_nul'", 1);
    const { rows } = await world.pool.query("SELECT response_body FROM attempts WHERE delivery_id = 'dlv_nul'");
    expect(rows[0].response_body).toBe('bin\uFFFDary');

    const consumer = world.kafka.consumer({ groupId: `${world.prefix}.test-invalid` });
    const reasons: string[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic: world.topics.invalid, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void reasons.push(headerString(message.headers, recordHeaders.invalidReason) ?? '') });
    try {
      await waitFor(() => reasons.length >= 1, { description: 'the invalid attempt on the invalid topic' });
      expect(reasons[0]).toMatch(/attemptId/);
    } finally {
      await consumer.disconnect();
    }
  });

  it('changes nothing when every topic is consumed again from the beginning', async () => {
    const topics = [world.topics.events, world.topics.deliveries, world.topics.attempts];
    await waitForGroupCaughtUp(world, topics);
    const snapshot = async () => ({
      counts: (await world.pool.query(
        `SELECT (SELECT count(*) FROM events) AS events, (SELECT count(*) FROM deliveries) AS deliveries, (SELECT count(*) FROM attempts) AS attempts,
                (SELECT sum(attempts) FROM deliveries) AS delivery_attempts, (SELECT sum(attempts) FROM endpoint_health_minutes) AS rolled_up`,
      )).rows[0],
      deliveries: (await world.pool.query('SELECT id, status, attempts, status_at, last_attempt_at, last_status_code, next_attempt_at FROM deliveries ORDER BY id')).rows,
      minutes: (await world.pool.query('SELECT * FROM endpoint_health_minutes ORDER BY endpoint_id, minute')).rows,
    });
    const before = await snapshot();
    await tracker!.stop();
    tracker = undefined;
    await rewindGroup(world, topics);
    await start();
    await waitForGroupCaughtUp(world, topics);
    expect(await snapshot()).toEqual(before);
  });

  it('prepares its batch statements once per connection instead of parsing them for every batch', async () => {
    // One connection, so every write below is on the session whose prepared statements are read afterwards.
    const pool = createPool({ url: world.databaseUrl, schema: world.schema, max: 1, applicationName: 'test-tracker-prepared' });
    try {
      const store = new PgTrackingStore(pool, 100);
      const now = new Date().toISOString();
      for (const n of [1, 2]) {
        await store.recordEvents([{ id: `evt_prep${n}`, tenantId: 'ten_prep', type: 'order.paid', payload: { n }, endpointId: null, application: null, headers: null, metadata: null, createdAt: now, kafkaPartition: 0, kafkaOffset: String(n), traceparent: null }]);
        await store.recordDeliveries([{ id: `dlv_prep${n}`, eventId: `evt_prep${n}`, tenantId: 'ten_prep', endpointId: 'ep_prep', applicationId: null, eventType: 'order.paid', eventCreatedAt: now, createdAt: now }]);
        await store.recordAttempts([attempt({ deliveryId: `dlv_prep${n}`, eventId: `evt_prep${n}`, tenantId: 'ten_prep', endpointId: 'ep_prep', attempt: 1, startedAt: now })]);
      }
      const { rows } = await pool.query<{ name: string; calls: string }>(
        "SELECT name, generic_plans + custom_plans AS calls FROM pg_prepared_statements WHERE name LIKE 'hookline_tracker_%' ORDER BY name",
      );
      expect(rows).toEqual([
        { name: 'hookline_tracker_insert_attempts', calls: '2' },
        { name: 'hookline_tracker_insert_events', calls: '2' },
        { name: 'hookline_tracker_upsert_deliveries', calls: '2' },
        { name: 'hookline_tracker_upsert_minutes', calls: '2' },
      ]);
      expect((await world.pool.query("SELECT count(*)::int AS n FROM attempts WHERE tenant_id = 'ten_prep'")).rows[0].n).toBe(2);
    } finally {
      await pool.end();
    }
  });
});
