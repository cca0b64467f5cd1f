import { EndpointHealthRepository } from '@hookline/db';
import { generateSecret } from '@hookline/signing';
import { waitFor, type Receiver, type TestWorld } from '@hookline/testing';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DispatcherApp } from '../services/dispatcher/src/app.ts';
import { startDispatcherWorld, type DispatcherHarness, type DispatcherWorld } from './dispatcher-fixtures.ts';

describe('dispatcher: circuit breaker per endpoint and the operational webhook', () => {
  let world: TestWorld;
  let app: DispatcherApp;
  let receiver: Receiver;
  let h: DispatcherHarness;
  const opsSecret = generateSecret();
  let rig: DispatcherWorld | undefined;

  beforeAll(async () => {
    rig = await startDispatcherWorld('dispatcher-breaker', (r) => ({
      RETRY_SCHEDULE: '200ms,200ms,200ms,200ms,200ms,200ms,200ms,200ms,200ms,200ms',
      CIRCUIT_VOLUME_THRESHOLD: '4',
      CIRCUIT_RESET_TIMEOUT: '1500ms',
      ENDPOINT_DISABLE_AFTER: '1h',
      OPERATIONAL_WEBHOOK_URL: r.url('/ops'),
      OPERATIONAL_WEBHOOK_SECRET: opsSecret,
    }));
    ({ world, receiver, app, h } = rig);
  });

  afterAll(async () => {
    await rig?.stop();
  });

  it('opens after failures, re-queues without spending attempts while open, probes once half-open, closes on success', async () => {
    const ep = await h.endpoint({ url: receiver.url('/flaky'), eventTypes: ['cb'] });
    let healthy = false;
    receiver.respondWith((r) => (r.path === '/flaky' && !healthy ? { status: 500 } : { status: 200 }));
    await waitFor(() => app.subscribed(h.tenantId, 'cb').includes(ep.id), { timeoutMs: 1_000 });
    await h.publish(Array.from({ length: 4 }, (_, i) => ({ type: 'cb', data: { i } })));

    await waitFor(() => app.circuitState(ep.id) === 'open', { timeoutMs: 10_000, description: 'the breaker to open' });
    const health = new EndpointHealthRepository(world.pool);
    await waitFor(async () => (await health.get(ep.id))?.circuitState === 'open');
    const open = await waitFor(() => h.attemptsFor(ep.id).find((a) => a.outcome === 'circuit_open'), { timeoutMs: 5_000 });
    expect(open).toMatchObject({ status: 'retrying', statusCode: null, durationMs: 0 });
    expect(Date.parse(open.nextAttemptAt!)).toBeGreaterThan(Date.parse(open.startedAt));
    // While open, no request reaches the endpoint.
    const sentWhileOpen = receiver.requests.filter((r) => r.path === '/flaky').length;
    expect(app.circuitState(ep.id)).toBe('open');
    expect(receiver.requests.filter((r) => r.path === '/flaky').length).toBe(sentWhileOpen);

    healthy = true;
    await waitFor(() => app.circuitState(ep.id) === 'closed', { timeoutMs: 10_000, description: 'the breaker to close' });
    await waitFor(async () => (await health.get(ep.id))?.circuitState === 'closed');
    const ok = await waitFor(() => (h.attemptsFor(ep.id).filter((a) => a.outcome === 'succeeded').length === 4 ? h.attemptsFor(ep.id) : undefined), { timeoutMs: 15_000 });
    // An open circuit spends no attempt: each delivery's attempt numbers count only real HTTP attempts.
    for (const deliveryId of new Set(ok.map((a) => a.deliveryId))) {
      const mine = ok.filter((a) => a.deliveryId === deliveryId);
      const real = mine.filter((a) => a.outcome !== 'circuit_open');
      expect(real.map((a) => a.attempt)).toEqual(real.map((_, i) => i + 1));
    }
    await waitFor(() => h.observed.operational.find((o) => o.type === 'endpoint.recovered' && o.endpointId === ep.id));
  });

  it('delivers operational events to OPERATIONAL_WEBHOOK_URL, signed with OPERATIONAL_WEBHOOK_SECRET', async () => {
    const [req] = await receiver.waitForRequests(1, { match: (r) => r.path === '/ops' && JSON.parse(r.body).type === 'endpoint.recovered' });
    const payload = new Webhook(opsSecret).verify(req!.body, req!.headers as Record<string, string>) as { type: string; data: { endpointId: string } };
    expect(payload.type).toBe('endpoint.recovered');
    expect(payload.data.endpointId).toMatch(/^ep_/);
  });
});
