import { countRequests, createProducer, ensureTopics, LagReader, registerLagMetrics, requestCounts, type LagSource } from '@hookline/kafka';
import { createTestWorld, type TestWorld } from '@hookline/testing';
import type { Admin, Producer } from 'kafkajs';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * `hookline_consumer_lag` against the real broker: committed offsets against high watermarks, a group's
 * uncommitted partitions counted from the log start (moved by deleting records), and a scrape's cost in requests —
 * one OffsetFetch per group and one ListOffsets per kind of mark, whatever the number of topics.
 */
describe('consumer lag (real broker)', () => {
  let world: TestWorld;
  let producer: Producer;
  let admin: Admin;
  let reader: LagReader;
  const t = (name: string) => `${world.prefix}.${name}`;

  beforeAll(async () => {
    world = createTestWorld('lag-metrics');
    countRequests(world.kafka);
    await ensureTopics(world.kafka, [
      { topic: t('a'), numPartitions: 3 },
      { topic: t('b'), numPartitions: 2 },
      { topic: t('c'), numPartitions: 2 },
      ...Array.from({ length: 8 }, (_, i) => ({ topic: t(`tier${i}`), numPartitions: 1 })),
    ], { numPartitions: 1, replicationFactor: 1 });
    producer = createProducer(world.kafka);
    admin = world.kafka.admin();
    await Promise.all([producer.connect(), admin.connect()]);
    reader = new LagReader(world.kafka);
  });
  afterAll(async () => {
    await reader?.close();
    await producer?.disconnect();
    await admin?.disconnect();
    await world?.cleanup();
  });

  const send = (topic: string, partition: number, n: number) =>
    producer.send({ topic, messages: Array.from({ length: n }, (_, i) => ({ partition, value: `r${i}` })) });
  const lagLines = async (registry: Registry) =>
    (await registry.metrics()).split('\n').filter((l) => l.startsWith('hookline_consumer_lag{')).sort();
  const adminRequests = () => requestCounts(world.kafka).filter(([role]) => role === 'admin').reduce((sum, [, , n]) => sum + n, 0);

  it('reports each partition\'s lag, and a scrape costs a request per group and per kind of mark', async () => {
    await send(t('a'), 0, 5);
    await send(t('a'), 2, 2);
    await send(t('b'), 0, 4);
    await send(t('b'), 1, 1);
    await send(t('tier3'), 0, 6);
    // Group one committed a@0 to 3 and b@1 to 1; a@1, a@2 and b@0 never. b@0's log now starts at 1.
    const one = `${world.prefix}.one`;
    const two = `${world.prefix}.two`;
    // (kafkajs' setOffsets joins the group: a few seconds each, so the two groups are set side by side.)
    await Promise.all([
      (async () => {
        await admin.setOffsets({ groupId: one, topic: t('a'), partitions: [{ partition: 0, offset: '3' }] });
        await admin.setOffsets({ groupId: one, topic: t('b'), partitions: [{ partition: 1, offset: '1' }] });
      })(),
      admin.setOffsets({ groupId: two, topic: t('tier3'), partitions: [{ partition: 0, offset: '4' }] }),
    ]);
    await admin.deleteTopicRecords({ topic: t('b'), partitions: [{ partition: 0, offset: '1' }] });

    const tiers = Array.from({ length: 8 }, (_, i) => t(`tier${i}`));
    const sources: LagSource[] = [{ groupId: one, topics: [t('a'), t('b')] }, { groupId: two, topics: tiers }, { groupId: `${world.prefix}.none`, topics: [] }];
    const registry = new Registry();
    registerLagMetrics(registry, reader, () => sources);

    const line = (group: string, topic: string, partition: number, lag: number) => `hookline_consumer_lag{group="${group}",topic="${topic}",partition="${partition}"} ${lag}`;
    const expected = [
      line(one, t('a'), 0, 2), line(one, t('a'), 1, 0), line(one, t('a'), 2, 2),
      line(one, t('b'), 0, 3), line(one, t('b'), 1, 0),
      ...tiers.map((topic, i) => line(two, topic, 0, i === 3 ? 2 : 0)),
    ].sort();
    expect(await lagLines(registry)).toEqual(expected);

    // Warm: two OffsetFetch (two groups), one ListOffsets for the high watermarks of thirteen partitions and one
    // for the log start of the uncommitted ones. kafkajs' admin sent ~2 per topic and a FindCoordinator per group.
    const before = adminRequests();
    await send(t('a'), 1, 3);
    expect(await lagLines(registry)).toEqual(expected.map((l) => (l === line(one, t('a'), 1, 0) ? line(one, t('a'), 1, 3) : l)).sort());
    expect(adminRequests() - before).toBe(4);

    // Where every partition is committed, the log start is not asked for.
    const committedOnly = new Registry();
    registerLagMetrics(committedOnly, reader, () => [{ groupId: two, topics: [t('tier3')] }]);
    const warm = adminRequests();
    expect(await lagLines(committedOnly)).toEqual([line(two, t('tier3'), 0, 2)]);
    expect(adminRequests() - warm).toBe(2);

    // Two scrapes at once (Prometheus and the console's System page) share one read.
    const twice = adminRequests();
    const [first, second] = await Promise.all([lagLines(committedOnly), lagLines(committedOnly)]);
    expect([first, second]).toEqual([[line(two, t('tier3'), 0, 2)], [line(two, t('tier3'), 0, 2)]]);
    expect(adminRequests() - twice).toBe(2);
  }, 90_000);

  it('reads again after its connection was closed', async () => {
    await send(t('c'), 0, 2);
    await send(t('c'), 1, 1);
    const registry = new Registry();
    registerLagMetrics(registry, reader, () => [{ groupId: `${world.prefix}.three`, topics: [t('c')] }]);
    expect(await lagLines(registry)).toHaveLength(2);
    await reader.close();
    await send(t('c'), 1, 3);
    expect(await lagLines(registry)).toEqual([
      `hookline_consumer_lag{group="${world.prefix}.three",topic="${t('c')}",partition="0"} 2`,
      `hookline_consumer_lag{group="${world.prefix}.three",topic="${t('c')}",partition="1"} 4`,
    ]);
  }, 30_000);

  it('leaves the gauge empty for a scrape whose read fails (a topic that does not exist), and reads at the next', async () => {
    await send(t('c'), 0, 1);
    const registry = new Registry();
    let topics = [t('c'), t('missing')];
    registerLagMetrics(registry, reader, () => [{ groupId: `${world.prefix}.four`, topics }]);
    expect(await lagLines(registry)).toEqual([]);
    topics = [t('c')];
    expect(await lagLines(registry)).toHaveLength(2);

    // A failing read and another at the same moment: the failure closes the connection only after the other is done.
    const other = new Registry();
    registerLagMetrics(other, reader, () => [{ groupId: `${world.prefix}.five`, topics: [t('c')] }]);
    topics = [t('c'), t('missing')];
    const [failing, fine] = await Promise.all([lagLines(registry), lagLines(other)]);
    expect(failing).toEqual([]);
    expect(fine).toHaveLength(2);
  }, 30_000);
});
