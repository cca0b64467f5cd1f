import { once } from 'node:events';
import { migrate } from '@hookline/db';
import { createTestWorld, waitFor, type TestWorld } from '@hookline/testing';
import type { Admin, Consumer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DispatcherProcesses } from './dispatcher-fixtures.ts';

// While a member that went away without leaving (a process killed) keeps its session, the broker holds every join of
// its group, up to the session timeout (30 s). A consumer stopped in such a join waited for the answer, past the 10 s
// a stop has, and the process exited 1 ("shutdown timed out").
describe('dispatcher: stopped while the broker holds its consumer\'s join, it stops cleanly at once', () => {
  let world: TestWorld;
  let admin: Admin;
  let joiner: Consumer | undefined;
  let instances: DispatcherProcesses;

  beforeAll(async () => {
    world = createTestWorld('dispatcher-joining');
    await migrate({ url: world.databaseUrl, schema: world.schema });
    admin = world.kafka.admin();
    await admin.connect();
    instances = new DispatcherProcesses(world);
  });

  afterAll(async () => {
    instances?.cleanup();
    // Its join is held too: not waited for.
    void joiner?.disconnect().catch(() => {});
    await admin?.disconnect();
    await world?.cleanup();
  });

  const fanoutGroup = async () => (await admin.describeGroups([world.groups.fanout])).groups[0]!;

  it('exits 0 without waiting for the join to be answered', async () => {
    const [a, b] = [instances.start(18_463), instances.start(18_464)];
    await waitFor(async () => (await instances.ready(18_463)) && (await instances.ready(18_464)) && (await fanoutGroup()).members.length === 2, {
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
    await waitFor(() => /"groupId":"[^"]*\.fanout"[^\n]*The group is rebalancing, re-joining/.test(instances.log(18_464)), {
      timeoutMs: 20_000,
      description: 'the running instance joining again',
    });
    b.kill('SIGTERM');
    const [code] = await once(b, 'exit');
    expect(code, `exit code; the log ends:\n${instances.tail(18_464, 20)}`).toBe(0);
    expect(instances.log(18_464)).toContain('stopped while joining its group');
    // Still waiting for the killed member when it exited: the stop did not just outlast that member's session.
    expect((await fanoutGroup()).state).toBe('PreparingRebalance');
  });
});
