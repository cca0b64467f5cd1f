import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate } from '@hookline/db';
import { createTestWorld, waitFor, type TestWorld } from '@hookline/testing';
import type { Admin, Consumer } from 'kafkajs';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ready = (port: number) => request(`http://127.0.0.1:${port}/readyz`).then(async (r) => (await r.body.dump(), r.statusCode === 200), () => false);

// While a member that went away without leaving (a process killed) keeps its session, the broker holds every join of
// its group, up to the session timeout (30 s). A consumer stopped in such a join waited for the answer, past the 10 s
// a stop has, and the process exited 1 ("shutdown timed out").
describe('dispatcher: stopped while the broker holds its consumer\'s join, it stops cleanly at once', () => {
  let world: TestWorld;
  let admin: Admin;
  let joiner: Consumer | undefined;
  const children: ChildProcess[] = [];
  const logDir = mkdtempSync(join(tmpdir(), 'hookline-dispatcher-joining-'));
  const logOf = (port: number) => readFileSync(join(logDir, `${port}.log`), 'utf8');

  beforeAll(async () => {
    world = createTestWorld('dispatcher-joining');
    await migrate({ url: world.databaseUrl, schema: world.schema });
    admin = world.kafka.admin();
    await admin.connect();
  });

  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    // Its join is held too: not waited for.
    void joiner?.disconnect().catch(() => {});
    await admin?.disconnect();
    await world?.cleanup();
    rmSync(logDir, { recursive: true, force: true });
  });

  function startInstance(port: number): ChildProcess {
    const log = openSync(join(logDir, `${port}.log`), 'w');
    const child = spawn(process.execPath, ['services/dispatcher/src/main.ts'], {
      env: { ...process.env, ...world.env, LOG_LEVEL: 'info', HTTP_PORT: String(port) },
      stdio: ['ignore', log, 'inherit'],
    });
    closeSync(log);
    children.push(child);
    return child;
  }

  const fanoutGroup = async () => (await admin.describeGroups([world.groups.fanout])).groups[0]!;

  it('exits 0 without waiting for the join to be answered', async () => {
    const [a, b] = [startInstance(18_463), startInstance(18_464)];
    await waitFor(async () => (await ready(18_463)) && (await ready(18_464)) && (await fanoutGroup()).members.length === 2, {
      timeoutMs: 60_000,
      description: 'both instances in the fan-out group',
    });
    a.kill('SIGKILL');
    await once(a, 'exit');
    // A third member asks to join: the group waits for every member, the killed one included, to join again.
    joiner = world.kafka.consumer({ groupId: world.groups.fanout });
    await joiner.connect();
    await joiner.subscribe({ topics: [world.topics.events] });
    void joiner.run({ eachBatch: async () => {} }).catch(() => {});
    await waitFor(() => /"groupId":"[^"]*\.fanout"[^\n]*The group is rebalancing, re-joining/.test(logOf(18_464)), {
      timeoutMs: 20_000,
      description: 'the running instance joining again',
    });
    b.kill('SIGTERM');
    const [code] = await once(b, 'exit');
    expect(code, `exit code; the log ends:\n${logOf(18_464).split('\n').slice(-20).join('\n')}`).toBe(0);
    expect(logOf(18_464)).toContain('stopped while joining its group');
    // Still waiting for the killed member when it exited: the stop did not just outlast that member's session.
    expect((await fanoutGroup()).state).toBe('PreparingRebalance');
  });
});
