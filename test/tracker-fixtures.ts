import { attemptRecord, deliveryRecord, encodeRecord, newId, type AttemptRecord, type DeliveryRecord } from '@hookline/contracts';
import { ACKS_ALL, createProducer } from '@hookline/kafka';
import { waitFor, type TestWorld } from '@hookline/testing';
import type { Producer } from 'kafkajs';

/** An attempt record with sensible defaults (a 200 after 42 ms). */
export function attempt(overrides: Partial<AttemptRecord> & Pick<AttemptRecord, 'deliveryId'>): AttemptRecord {
  return {
    attemptId: newId('att'),
    eventId: 'evt_1',
    tenantId: 'ten_1',
    endpointId: 'ep_1',
    attempt: 1,
    outcome: 'succeeded',
    status: 'succeeded',
    statusCode: 200,
    durationMs: 42,
    error: null,
    responseBody: 'ok',
    requestHeaders: { 'content-type': 'application/json', 'webhook-id': overrides.eventId ?? 'evt_1' },
    url: 'https://example.test/hook',
    startedAt: new Date().toISOString(),
    nextAttemptAt: null,
    ...overrides,
  };
}

export function delivery(overrides: Partial<DeliveryRecord> & Pick<DeliveryRecord, 'deliveryId' | 'eventId'>): DeliveryRecord {
  return {
    tenantId: 'ten_1',
    endpointId: 'ep_1',
    type: 'user.created',
    data: { n: 1 },
    eventCreatedAt: new Date().toISOString(),
    attempt: 0,
    ...overrides,
  };
}

/** A connected producer for the world (disconnect it in afterAll). */
export async function worldProducer(world: TestWorld): Promise<Producer> {
  const producer = createProducer(world.kafka);
  await producer.connect();
  return producer;
}

export async function produceAttempts(producer: Producer, world: TestWorld, records: readonly AttemptRecord[]): Promise<void> {
  for (let i = 0; i < records.length; i += 1_000) {
    await producer.send({
      topic: world.topics.attempts,
      acks: ACKS_ALL,
      messages: records.slice(i, i + 1_000).map((r) => ({ key: r.deliveryId, value: encodeRecord(attemptRecord, r) })),
    });
  }
}

export async function produceDeliveries(producer: Producer, world: TestWorld, records: readonly DeliveryRecord[]): Promise<void> {
  await producer.send({
    topic: world.topics.deliveries,
    acks: ACKS_ALL,
    messages: records.map((r) => ({ key: r.endpointId, value: encodeRecord(deliveryRecord, r) })),
  });
}

/** Resolves once `sql` (a single count) returns `expected`. */
export async function waitForCount(world: TestWorld, sql: string, expected: number, params: unknown[] = [], timeoutMs = 60_000): Promise<void> {
  let last = -1;
  await waitFor(
    async () => {
      last = Number((await world.pool.query<{ n: string }>(sql, params)).rows[0]?.n);
      return last === expected;
    },
    { timeoutMs, intervalMs: 100, description: `${expected} from "${sql}" (last saw ${last})` },
  ).catch((err: Error) => {
    throw new Error(`${err.message}; last saw ${last}`, { cause: err });
  });
}

/** Resolves once the tracker group has committed every record of the given topics. */
export async function waitForGroupCaughtUp(world: TestWorld, topics: readonly string[], timeoutMs = 25_000): Promise<void> {
  const admin = world.kafka.admin();
  await admin.connect();
  let state = '';
  try {
    await waitFor(
      async () => {
        state = '';
        const committed = await admin.fetchOffsets({ groupId: world.groups.tracker, topics: [...topics] });
        for (const topic of topics) {
          const high = await admin.fetchTopicOffsets(topic);
          const mine = committed.find((c) => c.topic === topic)?.partitions ?? [];
          for (const p of high) {
            const c = mine.find((m) => m.partition === p.partition)?.offset ?? '-1';
            const committedOffset = Number(c) < 0 ? Number(p.low) : Number(c);
            if (committedOffset < Number(p.high)) state += ` ${topic}/${p.partition}: committed ${c} < high ${p.high}`;
          }
        }
        return state === '';
      },
      { timeoutMs, intervalMs: 200, description: 'the tracker group to commit every record' },
    ).catch((err: Error) => {
      throw new Error(`${err.message}:${state}`, { cause: err });
    });
  } finally {
    await admin.disconnect();
  }
}

/** Moves the tracker group back to the start of the topics (the tracker must be stopped). */
export async function rewindGroup(world: TestWorld, topics: readonly string[]): Promise<void> {
  const admin = world.kafka.admin();
  await admin.connect();
  try {
    for (const topic of topics) await admin.resetOffsets({ groupId: world.groups.tracker, topic, earliest: true });
  } finally {
    await admin.disconnect();
  }
}
