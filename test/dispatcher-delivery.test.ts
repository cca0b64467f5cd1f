import { EndpointHealthRepository, SecretBox } from '@hookline/db';
import { generateSecret } from '@hookline/signing';
import { waitFor, type Receiver, type TestWorld } from '@hookline/testing';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DispatcherApp } from '../services/dispatcher/src/app.ts';
import { metricValue, startDispatcherWorld, type DispatcherHarness, type DispatcherWorld } from './dispatcher-fixtures.ts';

describe('dispatcher: signed delivery, outcomes, retry tiers and the dead-letter topic', () => {
  let world: TestWorld;
  let app: DispatcherApp;
  let receiver: Receiver;
  let h: DispatcherHarness;
  let rig: DispatcherWorld | undefined;

  beforeAll(async () => {
    rig = await startDispatcherWorld('dispatcher-delivery', () => ({ RETRY_SCHEDULE: '100ms,200ms,1500ms', CIRCUIT_VOLUME_THRESHOLD: '100000', ENDPOINT_DISABLE_AFTER: '1h' }));
    ({ world, receiver, app, h } = rig);
  });

  afterAll(async () => {
    await rig?.stop();
  });

  it('signs with every active secret during a rotation; standardwebhooks verifies with either; traceparent and custom headers', async () => {
    const ep = await h.endpoint({ url: receiver.url('/rotation'), headers: { 'X-Tenant-Tag': 'blue' } });
    const oldSecret = generateSecret();
    const box = new SecretBox(world.env.ENCRYPTION_KEY!);
    // Rotation: the new secret first, the old one active until its grace ends.
    await world.pool.query(`UPDATE endpoints SET secrets = secrets || $2::jsonb WHERE id = $1`, [
      ep.id,
      JSON.stringify([{ ciphertext: box.encrypt(oldSecret), expiresAt: new Date(Date.now() + 3_600_000).toISOString() }]),
    ]);
    await waitFor(() => app.subscribed(h.tenantId, 'user.created').includes(ep.id), { timeoutMs: 1_000, description: 'the directory to see the endpoint within 1 s' });
    await waitFor(async () => (await world.pool.query('SELECT 1')).rowCount === 1);
    // The rotation update and the insert are both notified; give the directory the same 1 s to apply the second secret.
    await h.publish([{ type: 'user.created', data: { n: 1 } }]);
    const [req] = await receiver.waitForRequests(1, { match: (r) => r.path === '/rotation' });
    const headers = req!.headers as Record<string, string>;
    expect(headers['webhook-signature']!.split(' ')).toHaveLength(2);
    for (const secret of [ep.secret, oldSecret]) {
      expect(new Webhook(secret).verify(req!.body, headers)).toMatchObject({ type: 'user.created', data: { n: 1 } });
    }
    expect(JSON.parse(req!.body)).toEqual({ id: headers['webhook-id'], type: 'user.created', timestamp: expect.any(String), data: { n: 1 } });
    expect(headers['content-type']).toBe('application/json');
    expect(headers['user-agent']).toMatch(/^Hookline\/\d/);
    expect(headers['traceparent']).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
    expect(headers['x-tenant-tag']).toBe('blue');
    const attempt = await waitFor(() => h.attemptsFor(ep.id)[0]);
    expect(attempt).toMatchObject({ outcome: 'succeeded', status: 'succeeded', statusCode: 200, attempt: 1, nextAttemptAt: null });
  });

  it("starts fan-out's deliveries on the broker's acknowledgement (hand-over): each sent once, every offset committed", async () => {
    const ep = await h.endpoint({ url: receiver.url('/handover'), eventTypes: ['handover.check'] });
    await waitFor(() => app.subscribed(h.tenantId, 'handover.check').includes(ep.id), { timeoutMs: 1_000 });
    const started = await metricValue(app, 'hookline_deliveries_handed_over_total', 'result="started"');
    for (let i = 0; i < 10; i++) await h.publish(Array.from({ length: 20 }, (_, j) => ({ type: 'handover.check', data: { n: i * 20 + j } })));
    await receiver.waitForRequests(200, { match: (r) => r.path === '/handover', timeoutMs: 30_000 });
    await waitFor(() => (h.attemptsFor(ep.id).length >= 200 ? true : undefined), { timeoutMs: 30_000, description: '200 attempt records' });
    const requests = receiver.requests.filter((r) => r.path === '/handover');
    expect(new Set(requests.map((r) => (r.headers as Record<string, string>)['webhook-id'])).size).toBe(200);
    expect(requests).toHaveLength(200);
    expect(h.attemptsFor(ep.id)).toHaveLength(200);
    // One dispatcher owns every partition: the deliveries started when fan-out's produce was acknowledged...
    expect((await metricValue(app, 'hookline_deliveries_handed_over_total', 'result="started"')) - started).toBeGreaterThan(0);
    // ...and the deliver consumer, fetching them later, committed their offsets (nothing left to redeliver).
    const deliverLag = async () => {
      const text = await (await fetch(`http://127.0.0.1:${app.port}/metrics`)).text();
      const lines = text.split('\n').filter((l) => l.startsWith('hookline_consumer_lag{') && l.includes('.deliver"') && l.includes('deliveries"'));
      return lines.length === 0 ? undefined : lines.reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
    };
    await waitFor(async () => ((await deliverLag()) === 0 ? true : undefined), { timeoutMs: 15_000, description: 'the deliver group to commit every offset' });
  });

  it('fans out only to enabled endpoints subscribed to the type, and sees new endpoints within 1 s', async () => {
    const only = await h.endpoint({ url: receiver.url('/only-orders'), eventTypes: ['order.paid'] });
    const off = await h.endpoint({ url: receiver.url('/disabled'), disabled: true });
    await waitFor(() => app.subscribed(h.tenantId, 'order.paid').includes(only.id), { timeoutMs: 1_000, description: 'subscription within 1 s' });
    expect(app.subscribed(h.tenantId, 'user.created')).not.toContain(only.id);
    expect(app.subscribed(h.tenantId, 'order.paid')).not.toContain(off.id);
    await h.publish([{ type: 'order.paid', data: { o: 1 } }, { type: 'user.deleted', data: {} }]);
    await receiver.waitForRequests(1, { match: (r) => r.path === '/only-orders' });
    await waitFor(() => h.attemptsFor(only.id)[0]);
    expect(receiver.requests.filter((r) => r.path === '/only-orders')).toHaveLength(1);
    expect(receiver.requests.filter((r) => r.path === '/disabled')).toHaveLength(0);
  });

  it('retries failures on the schedule (same webhook-id), then dead-letters with status dead', async () => {
    const ep = await h.endpoint({ url: receiver.url('/always-500'), eventTypes: ['fail.always'] });
    receiver.respondWith((r) => (r.path === '/always-500' ? { status: 500, body: 'boom' } : { status: 200 }));
    await waitFor(() => app.subscribed(h.tenantId, 'fail.always').includes(ep.id), { timeoutMs: 1_000 });
    await h.publish([{ type: 'fail.always', data: {} }]);
    const dead = await waitFor(() => h.observed.dead.find((d) => d.delivery.endpointId === ep.id), { timeoutMs: 20_000, description: 'dead letter' });
    expect(dead.delivery.attempt).toBe(4);
    expect(dead.headers['hookline-dead-reason']?.toString()).toMatch(/http_error 500/);
    const attempts = await waitFor(() => (h.attemptsFor(ep.id).length === 4 ? h.attemptsFor(ep.id) : undefined));
    expect(attempts.map((a) => [a.attempt, a.outcome, a.status])).toEqual([
      [1, 'http_error', 'retrying'], [2, 'http_error', 'retrying'], [3, 'http_error', 'retrying'], [4, 'http_error', 'dead'],
    ]);
    expect(attempts[0]!.responseBody).toBe('boom');
    const steps = [100, 200, 1_500];
    for (let i = 0; i < 3; i++) {
      // The step counts from the attempt's end (its hand-off, a few ms later at most), not from its start.
      const scheduled = Date.parse(attempts[i]!.nextAttemptAt!) - (Date.parse(attempts[i]!.startedAt) + attempts[i]!.durationMs);
      expect(scheduled).toBeGreaterThanOrEqual(steps[i]! * 0.8);
      expect(scheduled).toBeLessThanOrEqual(steps[i]! * 1.2 + 50);
      // Never earlier than scheduled.
      expect(Date.parse(attempts[i + 1]!.startedAt)).toBeGreaterThanOrEqual(Date.parse(attempts[i]!.nextAttemptAt!));
    }
    const ids = new Set(receiver.requests.filter((r) => r.path === '/always-500').map((r) => r.headers['webhook-id']));
    expect(ids.size).toBe(1);
    await waitFor(() => h.observed.operational.find((o) => o.type === 'delivery.exhausted' && o.endpointId === ep.id));
  });

  it('honours Retry-After on 429 (capped at the longest step), and treats a redirect as a failure', async () => {
    const ep = await h.endpoint({ url: receiver.url('/slow-down'), eventTypes: ['rate.me'] });
    const redirect = await h.endpoint({ url: receiver.url('/moved'), eventTypes: ['rate.me'] });
    receiver.respondWith((r) => {
      const seen = receiver.requests.filter((x) => x.path === r.path).length;
      if (r.path === '/slow-down') return seen <= 1 ? { status: 429, headers: { 'retry-after': '1' } as Record<string, string> } : { status: 200 };
      if (r.path === '/moved') return seen <= 1 ? { status: 302, headers: { location: receiver.url('/elsewhere') } as Record<string, string> } : { status: 200 };
      return { status: 200 };
    });
    await waitFor(() => [ep.id, redirect.id].every((id) => app.subscribed(h.tenantId, 'rate.me').includes(id)), { timeoutMs: 1_000 });
    await h.publish([{ type: 'rate.me', data: {} }]);
    const [first, second] = await waitFor(() => (h.attemptsFor(ep.id).length >= 2 ? h.attemptsFor(ep.id) : undefined), { timeoutMs: 10_000 });
    expect(first).toMatchObject({ outcome: 'http_error', statusCode: 429, status: 'retrying' });
    expect(Date.parse(first!.nextAttemptAt!) - Date.parse(first!.startedAt)).toBeGreaterThanOrEqual(1_000);
    expect(Date.parse(second!.startedAt) - Date.parse(first!.startedAt)).toBeGreaterThanOrEqual(1_000);
    expect(second).toMatchObject({ outcome: 'succeeded', status: 'succeeded', attempt: 2 });
    const moved = await waitFor(() => h.attemptsFor(redirect.id)[0]);
    expect(moved).toMatchObject({ outcome: 'http_error', statusCode: 302, status: 'retrying' });
    expect(receiver.requests.some((r) => r.path === '/elsewhere')).toBe(false);
  });

  it('a timeout and a reset connection are failures that are retried', async () => {
    const slow = await h.endpoint({ url: receiver.url('/hang'), eventTypes: ['net.fail'], timeoutMs: 300 });
    const reset = await h.endpoint({ url: receiver.url('/reset'), eventTypes: ['net.fail'] });
    receiver.respondWith((r) => (r.path === '/hang' ? { hang: true } : r.path === '/reset' ? { reset: true } : { status: 200 }));
    await waitFor(() => [slow.id, reset.id].every((id) => app.subscribed(h.tenantId, 'net.fail').includes(id)), { timeoutMs: 1_000 });
    await h.publish([{ type: 'net.fail', data: {} }]);
    const t = await waitFor(() => h.attemptsFor(slow.id)[0]);
    expect(t).toMatchObject({ outcome: 'timeout', status: 'retrying', error: 'timed out' });
    expect(t.durationMs).toBeGreaterThanOrEqual(250);
    // Its retry is due after the timeout, not a first step (100 ms) after the attempt started.
    expect(Date.parse(t.nextAttemptAt!)).toBeGreaterThanOrEqual(Date.parse(t.startedAt) + t.durationMs);
    const n = await waitFor(() => h.attemptsFor(reset.id)[0]);
    expect(n).toMatchObject({ outcome: 'network_error', status: 'retrying' });
  });

  it('410 Gone disables the endpoint at once (reason gone) and ends the delivery', async () => {
    const ep = await h.endpoint({ url: receiver.url('/gone'), eventTypes: ['gone.test'] });
    receiver.respondWith((r) => (r.path === '/gone' ? { status: 410 } : { status: 200 }));
    await waitFor(() => app.subscribed(h.tenantId, 'gone.test').includes(ep.id), { timeoutMs: 1_000 });
    await h.publish([{ type: 'gone.test', data: {} }]);
    const a = await waitFor(() => h.attemptsFor(ep.id)[0]);
    expect(a).toMatchObject({ outcome: 'gone', status: 'failed', statusCode: 410, nextAttemptAt: null });
    const row = await waitFor(async () => (await world.pool.query('SELECT disabled, disabled_reason FROM endpoints WHERE id = $1 AND disabled', [ep.id])).rows[0]);
    expect(row).toEqual({ disabled: true, disabled_reason: 'gone' });
    await waitFor(() => h.observed.operational.find((o) => o.type === 'endpoint.disabled' && o.endpointId === ep.id && o.data.reason === 'gone'));
    expect(app.subscribed(h.tenantId, 'gone.test')).not.toContain(ep.id);
    const health = await new EndpointHealthRepository(world.pool).get(ep.id);
    expect(health).toMatchObject({ circuitState: 'closed', failingSince: expect.any(Date) });
  });

  it('a health write PostgreSQL refuses does not fail the attempt: the webhook is sent once and recorded as succeeded', async () => {
    const ep = await h.endpoint({ url: receiver.url('/health-refused'), eventTypes: ['health.refused'] });
    // PostgreSQL refuses every endpoint_health write of this endpoint; a sequence (not rolled back) counts the refusals.
    await world.pool.query(`CREATE SEQUENCE health_refusals`);
    await world.pool.query(`
      CREATE FUNCTION refuse_health() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.endpoint_id = '${ep.id}' THEN
          PERFORM nextval('health_refusals');
          RAISE EXCEPTION 'health writes refused (test)';
        END IF;
        RETURN NEW;
      END $$`);
    await world.pool.query(`CREATE TRIGGER refuse_health BEFORE INSERT OR UPDATE ON endpoint_health FOR EACH ROW EXECUTE FUNCTION refuse_health()`);
    try {
      await waitFor(() => app.subscribed(h.tenantId, 'health.refused').includes(ep.id), { timeoutMs: 1_000 });
      await h.publish([{ type: 'health.refused', data: { n: 1 } }]);
      // The attempt record is produced only after the health bookkeeping: had the refusal failed the attempt, the
      // record would be handled again (another POST) and no attempt record would come.
      const attempt = await waitFor(() => h.attemptsFor(ep.id)[0], { timeoutMs: 15_000, description: 'the attempt record' });
      expect(attempt).toMatchObject({ outcome: 'succeeded', status: 'succeeded', statusCode: 200, attempt: 1 });
      const { rows } = await world.pool.query<{ last_value: string; is_called: boolean }>(`SELECT last_value, is_called FROM health_refusals`);
      expect(rows[0]!.is_called).toBe(true); // the health write was tried and refused
      expect(receiver.requests.filter((r) => r.path === '/health-refused')).toHaveLength(1);
      expect(await new EndpointHealthRepository(world.pool).get(ep.id)).toBeNull();
    } finally {
      await world.pool.query(`DROP TRIGGER refuse_health ON endpoint_health; DROP FUNCTION refuse_health(); DROP SEQUENCE health_refusals`);
    }
  });
});
