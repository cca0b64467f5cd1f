import { EndpointHealthRepository } from '@hookline/db';
import { waitFor, type Receiver, type TestWorld } from '@hookline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DispatcherApp } from '../services/dispatcher/src/app.ts';
import { startDispatcherWorld, type DispatcherHarness, type DispatcherWorld } from './dispatcher-fixtures.ts';

/** Largest number of requests whose [receivedAt, receivedAt + delay) intervals overlap. */
function maxOverlap(times: number[], delayMs: number): number {
  let max = 0;
  for (const t of times) max = Math.max(max, times.filter((u) => u <= t && t < u + delayMs).length);
  return max;
}

describe('dispatcher: one endpoint cannot hurt another (one partition for everything)', () => {
  let world: TestWorld;
  let app: DispatcherApp;
  let receiver: Receiver;
  let h: DispatcherHarness;
  let rig: DispatcherWorld | undefined;

  beforeAll(async () => {
    rig = await startDispatcherWorld('dispatcher-isolation', () => ({
      // Every endpoint on the same partition of every topic: isolation must come from within the partition.
      TOPIC_PARTITIONS: '1',
      RETRY_SCHEDULE: '300ms,300ms,300ms,300ms,300ms,300ms,300ms,300ms,300ms,300ms,300ms,300ms',
      CIRCUIT_VOLUME_THRESHOLD: '100000',
      ENDPOINT_DISABLE_AFTER: '1500ms',
    }));
    ({ world, receiver, app, h } = rig);
  });

  afterAll(async () => {
    await rig?.stop();
  });

  it('head-of-line: a hanging endpoint does not slow a healthy one on the same partition', async () => {
    const hanging = await h.endpoint({ url: receiver.url('/hang'), eventTypes: ['hol'], timeoutMs: 20_000 });
    const healthy = await h.endpoint({ url: receiver.url('/healthy'), eventTypes: ['hol'] });
    receiver.respondWith((r) => (r.path === '/hang' ? { hang: true } : { status: 200 }));
    await waitFor(() => [hanging.id, healthy.id].every((id) => app.subscribed(h.tenantId, 'hol').includes(id)), { timeoutMs: 1_000 });
    const N = 100;
    await h.publish(Array.from({ length: N }, (_, i) => ({ type: 'hol', data: { i } })));
    // Interleaved on one partition: every healthy delivery sits behind hanging ones.
    await receiver.waitForRequests(N, { match: (r) => r.path === '/healthy', timeoutMs: 15_000 });
    // All N healthy deliveries completed while the hanging endpoint had at most its concurrency cap (10) in
    // flight and not one of them had finished: the healthy endpoint never waited on the hanging one.
    const hangingSeen = receiver.requests.filter((r) => r.path === '/hang').length;
    expect(hangingSeen).toBeLessThanOrEqual(10);
    expect(h.attemptsFor(hanging.id)).toHaveLength(0);
    await waitFor(() => h.attemptsFor(healthy.id).length === N);
    expect(h.attemptsFor(healthy.id).every((a) => a.outcome === 'succeeded')).toBe(true);
    // Stop the hanging endpoint from holding deliveries for the rest of the file.
    await world.pool.query('UPDATE endpoints SET disabled = true WHERE id = $1', [hanging.id]);
  });

  it('caps concurrency per endpoint (maxConcurrency) and rate (rateLimitPerSecond) without spending attempts', async () => {
    const capped = await h.endpoint({ url: receiver.url('/capped'), eventTypes: ['caps'], maxConcurrency: 2 });
    const limited = await h.endpoint({ url: receiver.url('/limited'), eventTypes: ['caps.rate'], rateLimitPerSecond: 5 });
    receiver.respondWith((r) => (r.path === '/capped' ? { status: 200, delayMs: 150 } : { status: 200 }));
    await waitFor(() => app.subscribed(h.tenantId, 'caps').includes(capped.id) && app.subscribed(h.tenantId, 'caps.rate').includes(limited.id), { timeoutMs: 1_000 });
    await h.publish(Array.from({ length: 10 }, (_, i) => ({ type: 'caps', data: { i } })));
    await h.publish(Array.from({ length: 15 }, (_, i) => ({ type: 'caps.rate', data: { i } })));
    const capReqs = await receiver.waitForRequests(10, { match: (r) => r.path === '/capped' });
    expect(maxOverlap(capReqs.map((r) => r.receivedAt), 140)).toBeLessThanOrEqual(2);
    const rateReqs = await receiver.waitForRequests(15, { match: (r) => r.path === '/limited', timeoutMs: 20_000 });
    const times = rateReqs.map((r) => r.receivedAt).sort((a, b) => a - b);
    // A burst of 5, then 5 a second: no sliding second holds more than 5 + 5 (burst plus refill).
    for (const t of times) expect(times.filter((u) => u >= t && u < t + 1_000).length).toBeLessThanOrEqual(10);
    const attempts = await waitFor(() => (h.attemptsFor(limited.id).length >= 15 ? h.attemptsFor(limited.id) : undefined));
    expect(attempts.every((a) => a.attempt === 1 && a.outcome === 'succeeded')).toBe(true);
  });

  it('auto-disables an endpoint failing with no success for ENDPOINT_DISABLE_AFTER; re-enabling resumes delivery', async () => {
    const ep = await h.endpoint({ url: receiver.url('/failing'), eventTypes: ['auto.disable'] });
    receiver.respondWith((r) => (r.path === '/failing' ? { status: 503 } : { status: 200 }));
    await waitFor(() => app.subscribed(h.tenantId, 'auto.disable').includes(ep.id), { timeoutMs: 1_000 });
    await h.publish([{ type: 'auto.disable', data: {} }]);
    const row = await waitFor(
      async () => (await world.pool.query('SELECT disabled_reason FROM endpoints WHERE id = $1 AND disabled', [ep.id])).rows[0],
      { timeoutMs: 15_000, description: 'the endpoint disabled' },
    );
    expect(row.disabled_reason).toBe('failing');
    await waitFor(() => h.observed.operational.find((o) => o.type === 'endpoint.disabled' && o.endpointId === ep.id && o.data.reason === 'failing'));
    expect(app.subscribed(h.tenantId, 'auto.disable')).not.toContain(ep.id);
    const before = receiver.requests.filter((r) => r.path === '/failing').length;
    await h.publish([{ type: 'auto.disable', data: { after: true } }]);
    // Let fan-out pass that event (while the endpoint is still disabled) before re-enabling.
    await waitFor(() => fanoutCaughtUp(world), { description: 'fan-out past the event published while disabled' });
    // Re-enable (what the API does) and let it succeed: delivery resumes, and it is reported as recovered.
    receiver.respondWith({ status: 200 });
    await world.pool.query('UPDATE endpoints SET disabled = false, disabled_reason = NULL WHERE id = $1', [ep.id]);
    await waitFor(() => app.subscribed(h.tenantId, 'auto.disable').includes(ep.id), { timeoutMs: 1_000 });
    await h.publish([{ type: 'auto.disable', data: { reenabled: true } }]);
    await receiver.waitForRequests(1, { match: (r) => r.path === '/failing' && JSON.parse(r.body).data.reenabled === true });
    expect(receiver.requests.filter((r) => r.path === '/failing').length).toBeGreaterThan(before);
    await waitFor(() => h.observed.operational.find((o) => o.type === 'endpoint.recovered' && o.endpointId === ep.id));
    expect(receiver.requests.some((r) => r.path === '/failing' && JSON.parse(r.body).data.after === true)).toBe(false);
    const health = await new EndpointHealthRepository(world.pool).get(ep.id);
    expect(health).toMatchObject({ failingSince: null, lastSuccessAt: expect.any(Date) });
  });
});

/** True when the fan-out group has committed everything on the events topic. */
async function fanoutCaughtUp(world: TestWorld): Promise<boolean> {
  const admin = world.kafka.admin();
  await admin.connect();
  try {
    const [ends, [committed]] = await Promise.all([
      admin.fetchTopicOffsets(world.topics.events),
      admin.fetchOffsets({ groupId: world.groups.fanout, topics: [world.topics.events] }),
    ]);
    return ends.every((end) => {
      const mine = committed?.partitions.find((p) => p.partition === end.partition);
      return Number(end.high) === 0 || (mine !== undefined && Number(mine.offset) >= Number(end.high));
    });
  } finally {
    await admin.disconnect();
  }
}
