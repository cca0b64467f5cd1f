import { once } from 'node:events';
import { migrate } from '@hookline/db';
import { createTestWorld, waitFor, type TestWorld } from '@hookline/testing';
import type { Admin, Consumer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DispatcherProcesses } from './dispatcher-fixtures.ts';

// While a member that went away without leaving (a process killed) keeps its session, the broker holds every join of
// its group, up to the session timeout (30 s). A consumer stopped in such a join waited for the answer, past the 10 s
// a stop has, and the process exited 1 ("shutdown timed out"). kafkajs also answers a rebalance that its last fetch
// sees with a join while it is stopping, so a stop begun just before the rebalance reaches the consumer meets the
// same held join.
const cases = [
  { when: 'while its join is held', ports: [18_463, 18_464] as const, heldJoin: true },
  { when: 'as the rebalance begins, before its consumer has seen it', ports: [18_465, 18_466] as const, heldJoin: false },
];

describe.each(cases)('dispatcher: stopped $when, while the broker holds joins of its group', ({ ports: [killed, stopped], heldJoin }) => {
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
  const rejoins = () => instances.log(stopped).match(/"groupId":"[^"]*\.fanout"[^\n]*The group is rebalancing, re-joining/g)?.length ?? 0;

  it('exits 0 at once, without waiting for the join to be answered', async () => {
    const [a, b] = [instances.start(killed), instances.start(stopped)];
    // Every group of both instances stable: the joins of their start are over (a join the killed member would have
    // held then is not the case under test), and so are their "re-joining" lines.
    const groups = [world.groups.fanout, world.groups.deliver, world.groups.deliverRetry];
    await waitFor(async () => {
      if (!(await instances.ready(killed)) || !(await instances.ready(stopped))) return false;
      return (await admin.describeGroups(groups)).groups.every((g) => g.state === 'Stable' && g.members.length === 2);
    }, { timeoutMs: 60_000, description: 'both instances in each of their groups, the rebalances over' });
    a.kill('SIGKILL');
    await once(a, 'exit');
    const rejoinsBefore = rejoins();
    // A third member asks to join: the group waits for every member, the killed one included, to join again.
    joiner = world.kafka.consumer({ groupId: world.groups.fanout });
    await joiner.connect();
    await joiner.subscribe({ topics: [world.topics.events] });
    void joiner.run({ eachBatch: async () => {} }).catch(() => {});
    if (heldJoin) {
      await waitFor(() => rejoins() > rejoinsBefore, { timeoutMs: 20_000, description: 'the running instance joining again' });
    } else {
      await waitFor(async () => (await fanoutGroup()).state === 'PreparingRebalance', { timeoutMs: 20_000, description: 'the rebalance begun' });
    }
    const stopAt = Date.now();
    b.kill('SIGTERM');
    const [code] = await once(b, 'exit');
    expect(code, `exit code; the log ends:\n${instances.tail(stopped, 20)}`).toBe(0);
    const log = instances.log(stopped);
    expect(log, `a consumer left behind; the log ends:\n${instances.tail(stopped, 20)}`).not.toContain('did not leave its group in time');
    // Held in its join, it does not wait; a stop that reached the broker before the rebalance reached it leaves at once.
    if (heldJoin) expect(log).toContain('stopped while joining its group');
    // Well within the stop's drain (7 s of the 10 s): it did not wait for the killed member's session either.
    expect(Date.now() - stopAt).toBeLessThan(7_000);
    expect((await fanoutGroup()).state).toBe('PreparingRebalance');
  });
});
