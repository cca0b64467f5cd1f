import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate } from '@hookline/db';
import { createTestWorld, Receiver, waitFor, type TestWorld } from '@hookline/testing';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DispatcherHarness } from './dispatcher-fixtures.ts';

const ready = (port: number) => request(`http://127.0.0.1:${port}/readyz`).then(async (r) => (await r.body.dump(), r.statusCode === 200), () => false);

describe('dispatcher: two instances share the work; one killed with SIGKILL loses nothing', () => {
  let world: TestWorld;
  let receiver: Receiver;
  let h: DispatcherHarness;
  const children: ChildProcess[] = [];
  // Each instance's log (info and up: a few lines, from start-up to stop) goes to a file, shown if the instance does not stop cleanly.
  const logDir = mkdtempSync(join(tmpdir(), 'hookline-dispatcher-scale-'));
  const logTail = (port: number) => readFileSync(join(logDir, `${port}.log`), 'utf8').split('\n').slice(-40).join('\n');

  beforeAll(async () => {
    world = createTestWorld('dispatcher-scale');
    receiver = await Receiver.start();
    receiver.respondWith({ status: 200, delayMs: 100 });
    await migrate({ url: world.databaseUrl, schema: world.schema });
  });

  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await h?.stop();
    await receiver?.close();
    await world?.cleanup();
    rmSync(logDir, { recursive: true, force: true });
  });

  function startInstance(port: number): ChildProcess {
    const log = openSync(join(logDir, `${port}.log`), 'w');
    const child = spawn(process.execPath, ['services/dispatcher/src/main.ts'], {
      env: { ...process.env, ...world.env, LOG_LEVEL: 'info', HTTP_PORT: String(port), RETRY_SCHEDULE: '200ms,400ms,800ms' },
      stdio: ['ignore', log, 'inherit'],
    });
    closeSync(log);
    children.push(child);
    return child;
  }

  it('every delivery arrives at least once (duplicates only for attempts in flight at the crash)', async () => {
    const [a, b] = [startInstance(18_461), startInstance(18_462)];
    await waitFor(async () => (await ready(18_461)) && (await ready(18_462)), { timeoutMs: 60_000, description: 'both instances ready' });
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
    expect(code, `exit code of the instance left running; its log ends:\n${logTail(18_462)}`).toBe(0);
  });
});
