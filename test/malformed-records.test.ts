import { attemptRecord, deliveryRecord, encodeRecord, eventRecord, recordHeaders, type AttemptRecord, type DeliveryRecord } from '@hookline/contracts';
import { ACKS_ALL, createProducer } from '@hookline/kafka';
import { createLogger } from '@hookline/telemetry';
import { createTestWorld, findSecrets, LogCapture, Receiver, waitFor, type TestWorld } from '@hookline/testing';
import type { IHeaders, Message, Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { garbageHeaders, MALFORMED_KINDS, malformed, type RecordShape } from './support/malformed-records.ts';
import { call, createTenant, startPipeline, type Pipeline } from './support/pipeline.ts';
import { attempt } from './tracker-fixtures.ts';

/** Malformed records per consumed topic, and one valid record after every VALID_EVERY malformed ones. */
const MALFORMED_PER_TOPIC = 1_000;
const VALID_EVERY = 25;

const EVENT_SHAPE: RecordShape = { ids: ['tenantId', 'type', 'id', 'endpointId'], required: ['tenantId', 'type', 'data'], times: ['createdAt'], numbers: [], object: 'data' };
const DELIVERY_SHAPE: RecordShape = {
  ids: ['deliveryId', 'eventId', 'tenantId', 'endpointId', 'type'],
  required: ['deliveryId', 'eventId', 'tenantId', 'endpointId', 'type', 'data', 'eventCreatedAt', 'attempt'],
  times: ['eventCreatedAt', 'notBefore'],
  numbers: ['attempt'],
  object: 'data',
};
const ATTEMPT_SHAPE: RecordShape = {
  ids: ['attemptId', 'deliveryId', 'eventId', 'tenantId', 'endpointId'],
  required: ['attemptId', 'deliveryId', 'eventId', 'tenantId', 'endpointId', 'attempt', 'outcome', 'status', 'durationMs', 'url', 'startedAt', 'requestHeaders'],
  times: ['startedAt', 'nextAttemptAt'],
  numbers: ['attempt', 'durationMs'],
  object: 'requestHeaders',
};

interface TopicPlan {
  name: string;
  topic: string;
  shape: RecordShape;
  sample: Record<string, unknown>;
  /** The n-th valid record (its value and headers) and the id that proves it arrived. */
  valid(n: number): { value: Buffer; headers: IHeaders; proof: string };
}

describe('≥ 1,000 malformed records on every consumed topic: all in the invalid topic, the valid ones around them arrive', () => {
  let world: TestWorld;
  let pipeline: Pipeline;
  let receiver: Receiver;
  let producer: Producer;
  let tenant: { id: string; apiKey: string };
  let endpointId: string;
  let endpointSecret: string;
  /** The services' log lines (info and up), scanned for secrets at the end. */
  const logs = new LogCapture();
  const invalid = new Map<string, Array<{ reason: string; source: string }>>();
  let observer: ReturnType<TestWorld['kafka']['consumer']>;

  beforeAll(async () => {
    world = createTestWorld('malformed-records');
    receiver = await Receiver.start();
    const log = createLogger({ service: 'malformed-records', level: 'info', destination: logs });
    pipeline = await startPipeline(world, { log, env: { RETRY_SCHEDULE: '1s,2s' } });
    tenant = await createTenant(pipeline.api, world.env.ADMIN_TOKEN!);
    ({ id: endpointId, secret: endpointSecret } = (await call('POST', `${pipeline.api}/v1/endpoints`, tenant.apiKey, { url: receiver.url('/in') })).json);
    producer = createProducer(world.kafka);
    await producer.connect();
    observer = world.kafka.consumer({ groupId: `${world.prefix}.observer`, maxWaitTimeInMs: 200 });
    await observer.connect();
    await observer.subscribe({ topic: world.topics.invalid, fromBeginning: true });
    await observer.run({
      eachMessage: async ({ message }) => {
        const key = message.key?.toString() ?? '(no key)';
        const seen = invalid.get(key) ?? [];
        seen.push({ reason: message.headers?.[recordHeaders.invalidReason]?.toString() ?? '', source: message.headers?.[recordHeaders.invalidSource]?.toString() ?? '' });
        invalid.set(key, seen);
      },
    });
  });
  afterAll(async () => {
    await observer?.disconnect();
    await producer?.disconnect();
    await pipeline?.stop();
    await receiver?.close();
    await world?.cleanup();
  });

  const delivery = (n: number, prefix: string, attempt: number): DeliveryRecord => ({
    deliveryId: `dlv_${prefix}_${n}`,
    eventId: `${prefix}-${n}`,
    tenantId: tenant.id,
    endpointId,
    type: 'ok.delivery',
    data: { n },
    eventCreatedAt: new Date().toISOString(),
    attempt,
  });

  const plans = (): TopicPlan[] => {
    const retry = (tier: string): TopicPlan => ({
      name: `retry.${tier}`,
      topic: world.topics.retry(tier),
      shape: DELIVERY_SHAPE,
      sample: { ...delivery(0, 'sample', 1), notBefore: new Date().toISOString() },
      valid: (n) => ({
        value: encodeRecord(deliveryRecord, delivery(n, `okr${tier}`, 1)),
        // Every other valid retry record carries garbage headers (absurd or non-numeric hookline-not-before too).
        headers: n % 2 === 0 ? { [recordHeaders.notBefore]: String(Date.now()) } : garbageHeaders((n - 1) / 2),
        proof: `okr${tier}-${n}`,
      }),
    });
    return [
      {
        name: 'events',
        topic: world.topics.events,
        shape: EVENT_SHAPE,
        sample: { tenantId: tenant.id, type: 'ok.event', data: { n: 0 }, id: 'sample', createdAt: new Date().toISOString(), endpointId },
        valid: (n) => ({
          // Every third carries text PostgreSQL cannot store as is (U+0000, a lone surrogate): valid all the same.
          value: encodeRecord(eventRecord, { tenantId: tenant.id, type: 'ok.event', data: n % 3 === 2 ? { n, text: 'a\u0000b\ud800c', ['k\udc00']: 1 } : { n }, id: `okev-${n}` }),
          headers: n % 2 === 0 ? {} : garbageHeaders((n - 1) / 2),
          proof: `okev-${n}`,
        }),
      },
      {
        name: 'deliveries',
        topic: world.topics.deliveries,
        shape: DELIVERY_SHAPE,
        sample: delivery(0, 'sample', 0),
        valid: (n) => ({ value: encodeRecord(deliveryRecord, delivery(n, 'okdl', 0)), headers: n % 2 === 0 ? {} : garbageHeaders((n - 1) / 2), proof: `okdl-${n}` }),
      },
      retry('1s'),
      retry('2s'),
      {
        name: 'attempts',
        topic: world.topics.attempts,
        shape: ATTEMPT_SHAPE,
        sample: attempt({ deliveryId: 'dlv_sample', attemptId: 'att_sample', tenantId: tenant.id, endpointId, eventId: 'sample' }) as unknown as Record<string, unknown>,
        valid: (n) => ({
          value: encodeRecord(
            attemptRecord,
            attempt({ deliveryId: `dlv_okat_${n}`, attemptId: `att_ok_${n}`, eventId: `okat-${n}`, tenantId: tenant.id, endpointId, ...(n % 3 === 2 ? { responseBody: 'bin\u0000\udbff', error: 'x\ud800' } : {}) }) satisfies AttemptRecord,
          ),
          headers: n % 2 === 0 ? {} : garbageHeaders((n - 1) / 2),
          proof: `att_ok_${n}`,
        }),
      },
    ];
  };

  it('an event as large as the broker takes is delivered or routed with a reason, never stalls; the event behind it is delivered', { timeout: 60_000 }, async () => {
    // The broker takes a record batch up to 1 MiB + 12 bytes; a delivery adds its ids to the event.
    const pad = 'x'.repeat(1_048_588 - 400);
    const big = encodeRecord(eventRecord, { tenantId: tenant.id, type: 'ok.event', data: { pad }, id: 'big-event' });
    const after = encodeRecord(eventRecord, { tenantId: tenant.id, type: 'ok.event', data: { after: true }, id: 'after-big-event' });
    await producer.send({ topic: world.topics.events, acks: ACKS_ALL, messages: [{ key: 'same', value: big }] });
    await producer.send({ topic: world.topics.events, acks: ACKS_ALL, messages: [{ key: 'same', value: after }] });
    await waitFor(() => receiver.requests.some((r) => r.headers['webhook-id'] === 'after-big-event'), { timeoutMs: 30_000, description: 'the event behind the big one delivered' });
    const delivered = () => receiver.requests.some((r) => r.headers['webhook-id'] === 'big-event');
    const routed = () => invalid.get('same');
    await waitFor(() => delivered() || routed() !== undefined, { timeoutMs: 30_000, description: 'the big event delivered or routed' });
    console.log(`near-limit event (${big.length} bytes): delivered ${delivered()}, invalid ${JSON.stringify(routed()?.map((r) => r.reason))}`);
  });

  it('routes every malformed record with a reason and delivers or records every valid one', { timeout: 150_000 }, async () => {
    const started = Date.now();
    const bad = new Map<string, { topic: string; kind: string }>();
    const proofs: Record<string, string[]> = {};
    for (const plan of plans()) {
      const messages: Message[] = [];
      proofs[plan.name] = [];
      let n = 0;
      for (let i = 0; i < MALFORMED_PER_TOPIC; i++) {
        const m = malformed(plan.sample, plan.shape, i);
        const key = `bad:${plan.name}:${i}`;
        bad.set(key, { topic: plan.name, kind: m.kind });
        messages.push({ key, value: m.value, ...(m.headers ? { headers: m.headers } : {}) });
        // Valid records between the bad ones, and one last after them all.
        if (i % VALID_EVERY === VALID_EVERY - 1) {
          const v = plan.valid(n++);
          proofs[plan.name]!.push(v.proof);
          messages.push({ key: `ok:${plan.name}:${n}`, value: v.value, headers: v.headers });
        }
      }
      for (let i = 0; i < messages.length; i += 100) {
        await producer.send({ topic: plan.topic, acks: ACKS_ALL, messages: messages.slice(i, i + 100) });
      }
    }

    // Every malformed record reaches the invalid topic, with a reason and its source.
    await waitFor(() => [...bad.keys()].every((k) => invalid.has(k)), {
      timeoutMs: 90_000,
      intervalMs: 250,
      description: 'every malformed record in the invalid topic',
    }).catch((err: Error) => {
      const tally: Record<string, number> = {};
      for (const [k, { topic, kind }] of bad) if (!invalid.has(k)) tally[`${topic}/${kind}`] = (tally[`${topic}/${kind}`] ?? 0) + 1;
      throw new Error(`${err.message}: missing by topic/kind ${JSON.stringify(tally)}`);
    });
    for (const [key, { topic }] of bad) {
      const [first] = invalid.get(key)!;
      expect(first!.reason, key).not.toBe('');
      expect(first!.source, key).toMatch(new RegExp(`^${world.prefix.replace(/\./g, '\\.')}\\.${topic.replace(/\./g, '\\.')}/\\d+/\\d+$`));
    }
    expect([...invalid.keys()].filter((k) => k.startsWith('ok:'))).toEqual([]);

    // The valid records around them: delivered (events, deliveries, retry tiers) and recorded by the tracker.
    const delivered = () => new Set(receiver.requests.map((r) => String(r.headers['webhook-id'])));
    for (const name of ['events', 'deliveries', 'retry.1s', 'retry.2s']) {
      await waitFor(() => proofs[name]!.every((p) => delivered().has(p)), { timeoutMs: 30_000, description: `every valid ${name} record delivered` }).catch((err: Error) => {
        throw new Error(`${err.message}: missing ${proofs[name]!.filter((p) => !delivered().has(p)).join(', ')}`);
      });
    }
    const count = async (sql: string, ids: string[]) => Number((await world.pool.query<{ n: string }>(sql, [ids])).rows[0]!.n);
    await waitFor(async () => (await count('SELECT count(*) AS n FROM events WHERE id = ANY($1)', proofs.events!)) === proofs.events!.length, { timeoutMs: 30_000, description: 'valid events recorded' });
    const deliveryIds = proofs.deliveries!.map((p) => `dlv_okdl_${p.slice('okdl-'.length)}`);
    await waitFor(async () => (await count('SELECT count(*) AS n FROM deliveries WHERE id = ANY($1)', deliveryIds)) === deliveryIds.length, { timeoutMs: 30_000, description: 'valid deliveries recorded' });
    await waitFor(async () => (await count('SELECT count(*) AS n FROM attempts WHERE id = ANY($1)', proofs.attempts!)) === proofs.attempts!.length, { timeoutMs: 30_000, description: 'valid attempts recorded' });

    // Figures: malformed records per topic and kind, and how many were routed more than once.
    const table: Record<string, Record<string, number>> = {};
    for (const { topic, kind } of bad.values()) {
      table[topic] ??= {};
      table[topic][kind] = (table[topic][kind] ?? 0) + 1;
    }
    const duplicates = [...bad.keys()].filter((k) => invalid.get(k)!.length > 1).length;
    const validCount = Object.values(proofs).reduce((s, p) => s + p.length, 0);
    console.log(`malformed records: ${bad.size} over ${Object.keys(table).length} topics, kinds ${MALFORMED_KINDS.length}; valid interleaved: ${validCount}; routed more than once: ${duplicates}; ${((Date.now() - started) / 1000).toFixed(1)} s`);
    console.table(table);
    for (const counts of Object.values(table)) expect(Object.values(counts).reduce((s, n) => s + n, 0)).toBe(MALFORMED_PER_TOPIC);
  });

  it('the services logged every routed record without a secret', () => {
    const routedLines = logs.lines.filter((l) => l.includes('invalid topic')).length;
    expect(routedLines).toBeGreaterThanOrEqual(5 * MALFORMED_PER_TOPIC);
    expect(findSecrets(logs.text, [tenant.apiKey, endpointSecret, world.env.ADMIN_TOKEN!, world.env.ENCRYPTION_KEY!])).toEqual([]);
    console.log(`log scan: ${logs.lines.length} lines (${routedLines} about routed records), 0 secrets`);
  });
});
