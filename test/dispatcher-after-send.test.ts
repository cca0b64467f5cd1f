import { waitFor, type Receiver, type TestWorld } from '@hookline/testing';
import { ConfigResourceTypes } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DispatcherApp } from '../services/dispatcher/src/app.ts';
import { metricValue, startDispatcherWorld, type DispatcherHarness, type DispatcherWorld } from './dispatcher-fixtures.ts';

/** `hookline_hand_off_retries_total{step}` as the dispatcher's /metrics shows it. */
const handOffRetries = (app: DispatcherApp, step: string) => metricValue(app, 'hookline_hand_off_retries_total', `step="${step}"`);

describe('dispatcher: once the webhook was sent, a failure after it retries the hand-off only, never the POST', () => {
  let world: TestWorld;
  let app: DispatcherApp;
  let receiver: Receiver;
  let h: DispatcherHarness;
  let rig: DispatcherWorld | undefined;

  beforeAll(async () => {
    rig = await startDispatcherWorld('dispatcher-after-send', () => ({ RETRY_SCHEDULE: '100ms,200ms', CIRCUIT_VOLUME_THRESHOLD: '100000' }));
    ({ world, receiver, app, h } = rig);
  });
  afterAll(async () => {
    await rig?.stop();
  });

  it('the broker refusing the attempt record: the record is produced again until accepted, the webhook is sent once', async () => {
    const ep = await h.endpoint({ url: receiver.url('/refused-record'), eventTypes: ['record.refused'] });
    await waitFor(() => app.subscribed(h.tenantId, 'record.refused').includes(ep.id), { timeoutMs: 1_000 });
    const admin = world.kafka.admin();
    await admin.connect();
    const maxMessageBytes = (value: string) =>
      admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: world.topics.attempts, configEntries: [{ name: 'max.message.bytes', value }] }] });
    try {
      // The real broker refuses every record on the attempts topic (too large for it) from now on.
      await maxMessageBytes('64');
      await h.publish([{ type: 'record.refused', data: { n: 1 } }]);
      await receiver.waitForRequests(1, { match: (r) => r.path === '/refused-record' });
      await waitFor(async () => (await handOffRetries(app, 'hand-off')) >= 2, { timeoutMs: 30_000, description: 'two refused hand-offs' });
      expect(receiver.requests.filter((r) => r.path === '/refused-record')).toHaveLength(1);
      await maxMessageBytes('1048588');
      const attempt = await waitFor(() => h.attemptsFor(ep.id)[0], { timeoutMs: 30_000, description: 'the attempt record, once accepted' });
      expect(attempt).toMatchObject({ outcome: 'succeeded', status: 'succeeded', attempt: 1 });
      expect(receiver.requests.filter((r) => r.path === '/refused-record')).toHaveLength(1);
      expect(h.attemptsFor(ep.id)).toHaveLength(1);
    } finally {
      await maxMessageBytes('1048588').catch(() => undefined);
      await admin.disconnect();
    }
  });

  it('PostgreSQL refusing to disable an endpoint that answered 410: the disable is retried, the webhook is sent once', async () => {
    const ep = await h.endpoint({ url: receiver.url('/gone-refused'), eventTypes: ['gone.refused'] });
    receiver.respondWith((r) => (r.path === '/gone-refused' ? { status: 410 } : { status: 200 }));
    await world.pool.query(`CREATE SEQUENCE disable_refusals`);
    await world.pool.query(`
      CREATE FUNCTION refuse_disable() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.id = '${ep.id}' AND NEW.disabled THEN
          PERFORM nextval('disable_refusals');
          RAISE EXCEPTION 'disabling refused (test)';
        END IF;
        RETURN NEW;
      END $$`);
    await world.pool.query(`CREATE TRIGGER refuse_disable BEFORE UPDATE ON endpoints FOR EACH ROW EXECUTE FUNCTION refuse_disable()`);
    let dropped = false;
    const drop = async () => {
      if (dropped) return;
      dropped = true;
      await world.pool.query(`DROP TRIGGER refuse_disable ON endpoints; DROP FUNCTION refuse_disable(); DROP SEQUENCE disable_refusals`);
    };
    try {
      await waitFor(() => app.subscribed(h.tenantId, 'gone.refused').includes(ep.id), { timeoutMs: 1_000 });
      await h.publish([{ type: 'gone.refused', data: { n: 1 } }]);
      await receiver.waitForRequests(1, { match: (r) => r.path === '/gone-refused' });
      const refusals = async () => Number((await world.pool.query<{ last_value: string; is_called: boolean }>(`SELECT last_value, is_called FROM disable_refusals`)).rows[0]!.last_value);
      await waitFor(async () => (await refusals()) >= 3, { timeoutMs: 30_000, description: 'three refused disables' });
      expect(receiver.requests.filter((r) => r.path === '/gone-refused')).toHaveLength(1);
      expect(h.attemptsFor(ep.id)).toHaveLength(0); // the records wait for the endpoint state: nothing is half handed off
      await drop();
      const attempt = await waitFor(() => h.attemptsFor(ep.id)[0], { timeoutMs: 30_000, description: 'the attempt record' });
      expect(attempt).toMatchObject({ outcome: 'gone', statusCode: 410, attempt: 1 });
      await waitFor(() => h.observed.operational.find((o) => o.type === 'endpoint.disabled' && o.endpointId === ep.id));
      expect((await world.pool.query('SELECT disabled_reason FROM endpoints WHERE id = $1', [ep.id])).rows[0]).toEqual({ disabled_reason: 'gone' });
      expect(receiver.requests.filter((r) => r.path === '/gone-refused')).toHaveLength(1);
    } finally {
      await drop();
    }
  });
});
