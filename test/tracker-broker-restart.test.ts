import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { attemptRecord, encodeRecord, type AttemptRecord } from '@hookline/contracts';
import { ACKS_ALL, createKafka, createProducer } from '@hookline/kafka';
import { createTestWorld, waitFor, type TestWorld } from '@hookline/testing';
import type { Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKafka, stopKafka } from '../infra/kafka/launcher.ts';
import { startPipeline, type Pipeline } from './support/pipeline.ts';
import { attempt } from './tracker-fixtures.ts';

// A broker of this file's own (another port, another data dir), so restarting it disturbs no other test.
const PORT = 19_292;

describe('tracker: a broker restart loses nothing and needs no human', () => {
  let world: TestWorld;
  let home: string;
  let brokers: string;
  let pipeline: Pipeline | undefined;

  beforeAll(async () => {
    world = createTestWorld('tracker-broker-restart');
    home = await mkdtemp(join(tmpdir(), 'hookline-broker-restart-'));
    brokers = (await startKafka({ home, port: PORT })).brokers;
  }, 180_000);
  afterAll(async () => {
    await pipeline?.stop();
    await stopKafka({ home, clean: true }).catch(() => {});
    await rm(home, { recursive: true, force: true });
    await world?.cleanup();
  });

  const produce = async (records: readonly AttemptRecord[]) => {
    const producer: Producer = createProducer(createKafka({ brokers, clientId: 'restart-test' }));
    await producer.connect();
    try {
      await producer.send({ topic: world.topics.attempts, acks: ACKS_ALL, messages: records.map((r) => ({ key: r.deliveryId, value: encodeRecord(attemptRecord, r) })) });
    } finally {
      await producer.disconnect();
    }
  };
  const counts = async () =>
    (await world.pool.query<{ n: number; d: number }>("SELECT count(*)::int AS n, count(DISTINCT id)::int AS d FROM attempts WHERE delivery_id LIKE 'br_%'")).rows[0]!;

  it('records every attempt exactly once across the restart', async () => {
    pipeline = await startPipeline(world, { services: ['tracker'], env: { KAFKA_BROKERS: brokers } });
    const batch = (from: number, n: number) =>
      Array.from({ length: n }, (_, i) => attempt({ deliveryId: `br_${(from + i) % 400}`, attempt: Math.floor((from + i) / 400) + 1 }));

    await produce(batch(0, 1_000));
    await waitFor(async () => (await counts()).n > 0, { description: 'the first rows' });
    await stopKafka({ home });
    await startKafka({ home, port: PORT });
    await produce(batch(1_000, 1_000));

    await waitFor(async () => ((await counts()).n === 2_000 ? true : undefined), { timeoutMs: 90_000, description: '2,000 attempts recorded' });
    expect(await counts()).toEqual({ n: 2_000, d: 2_000 });
    const readyz = await fetch(`http://127.0.0.1:${pipeline.ports.tracker}/readyz`);
    expect(readyz.status).toBe(200);
  }, 180_000);
});
