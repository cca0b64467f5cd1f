import { once } from 'node:events';
import { migrate } from '@hookline/db';
import { createTestWorld, Receiver, waitFor, type TestWorld } from '@hookline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DispatcherHarness, DispatcherProcesses } from './dispatcher-fixtures.ts';

describe('dispatcher: two instances share the work; one killed with SIGKILL loses nothing', () => {
  let world: TestWorld;
  let receiver: Receiver;
  let h: DispatcherHarness;
  let instances: DispatcherProcesses;

  beforeAll(async () => {
    world = createTestWorld('dispatcher-scale');
    receiver = await Receiver.start();
    receiver.respondWith({ status: 200, delayMs: 100 });
    await migrate({ url: world.databaseUrl, schema: world.schema });
    instances = new DispatcherProcesses(world, { RETRY_SCHEDULE: '200ms,400ms,800ms' });
  });

  afterAll(async () => {
    instances?.cleanup();
    await h?.stop();
    await receiver?.close();
    await world?.cleanup();
  });

  it('every delivery arrives at least once (duplicates only for attempts in flight at the crash)', async () => {
    const [a, b] = [instances.start(18_461), instances.start(18_462)];
    await waitFor(async () => (await instances.ready(18_461)) && (await instances.ready(18_462)), { timeoutMs: 60_000, description: 'both instances ready' });
    h = new DispatcherHarness(world);
    await h.start();
    const endpoints = await Promise.all(['/a', '/b', '/c', '/d'].map((p) => h.endpoint({ url: receiver.url(p) })));
    // Let both directories see the endpoints (NOTIFY), then check one delivery path works end to end.
    await waitFor(
      async () => {
        await h.publish([{ type: 'warm.up', data: {} }]);
        return new Set(receiver.requests.map((r) => r.path)).size === endpoints.length;
      },
      { timeoutMs: 15_000, intervalMs: 500, description: 'every endpoint reached' },
    );
    const N = 150;
    await h.publish(Array.from({ length: N }, (_, i) => ({ type: 'load', data: { i } })));
    await receiver.waitForRequests(80, { timeoutMs: 30_000, match: (r) => JSON.parse(r.body).type === 'load' });
    a!.kill('SIGKILL');
    await once(a!, 'exit');
    const expected = N * endpoints.length;
    const received = () => new Set(receiver.requests.filter((r) => JSON.parse(r.body).type === 'load').map((r) => `${r.path} ${r.headers['webhook-id']}`));
    await waitFor(() => received().size === expected, { timeoutMs: 60_000, description: `all ${expected} deliveries at the receiver` });
    expect(received().size).toBe(expected);
    b!.kill('SIGTERM');
    const [code] = await once(b!, 'exit');
    expect(code, `exit code of the instance left running; its log ends:\n${instances.tail(18_462)}`).toBe(0);
  });
});
