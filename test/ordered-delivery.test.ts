import { createTestWorld, Receiver, waitFor, type ReceivedRequest, type ReceiverBehaviour, type TestWorld } from '@hookline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTenant, startPipeline, type Pipeline } from './support/pipeline.ts';

/** What the test's events carry: their key and their place in the key's publish order. */
interface Body {
  id: string;
  data: { key: string; seq: number };
}
const bodyOf = (r: ReceivedRequest): Body => JSON.parse(r.body) as Body;

/**
 * A receiver path's view of what arrived: every request in arrival order, and the first successful receipt of each
 * webhook-id (what a receiver deduplicating on webhook-id acts on).
 */
class Log {
  readonly requests: Array<{ id: string; key: string; seq: number; ok: boolean }> = [];
  readonly firstSuccess = new Map<string, { key: string; seq: number; index: number }>();
  record(r: ReceivedRequest, ok: boolean): void {
    const b = bodyOf(r);
    this.requests.push({ id: b.id, key: b.data.key, seq: b.data.seq, ok });
    if (ok && !this.firstSuccess.has(b.id)) this.firstSuccess.set(b.id, { key: b.data.key, seq: b.data.seq, index: this.requests.length - 1 });
  }
  /** Per key, the seqs of first successful receipts in arrival order. */
  successOrder(): Map<string, number[]> {
    const byKey = new Map<string, number[]>();
    for (const s of [...this.firstSuccess.values()].sort((a, b) => a.index - b.index)) {
      const list = byKey.get(s.key) ?? [];
      list.push(s.seq);
      byKey.set(s.key, list);
    }
    return byKey;
  }
  succeeded(key: string): number[] {
    return this.successOrder().get(key) ?? [];
  }
}

const ascending = (n: number) => Array.from({ length: n }, (_, i) => i);

/**
 * Ordered delivery per key (issue 22) against the real stack (ingest, dispatcher, tracker, Kafka, PostgreSQL, a local
 * receiver): an endpoint with `ordering: "key"` receives one key's events one at a time in publish order while its
 * other keys flow; `orderingOnDead` skip and block (and unblocking by redrive); a dispatcher restart mid-stream;
 * validation; endpoints without `ordering` as before.
 */
describe('ordered delivery per key', () => {
  let world: TestWorld;
  let ingestAndTracker: Pipeline;
  let dispatcher: Pipeline;
  let receiver: Receiver;
  let api: string;
  let tenant: { id: string; apiKey: string };
  /** Per path: how the receiver answers (ok or not), and its log. */
  const answers = new Map<string, (r: ReceivedRequest) => boolean>();
  const logs = new Map<string, Log>();
  const logOf = (path: string): Log => {
    let log = logs.get(path);
    if (!log) logs.set(path, (log = new Log()));
    return log;
  };
  // Eight retries of at most half a second: a delivery dies within a few seconds; the breaker never opens.
  const env = { RETRY_SCHEDULE: '100ms,100ms,200ms,200ms,300ms,300ms,500ms,500ms', CIRCUIT_VOLUME_THRESHOLD: '1000000', SHUTDOWN_TIMEOUT_MS: '5000' };

  beforeAll(async () => {
    world = createTestWorld('ordered-delivery');
    receiver = await Receiver.start();
    receiver.respondWith((r): ReceiverBehaviour => {
      const path = r.path;
      const ok = (answers.get(path) ?? (() => true))(r);
      logOf(path).record(r, ok);
      return { status: ok ? 200 : 500 };
    });
    ingestAndTracker = await startPipeline(world, { services: ['ingest', 'tracker'], env });
    dispatcher = await startPipeline(world, { services: ['dispatcher'], env });
    api = ingestAndTracker.api;
    tenant = await createTenant(api, world.env.ADMIN_TOKEN!);
  });
  afterAll(async () => {
    await dispatcher?.stop();
    await ingestAndTracker?.stop();
    await receiver?.close();
    await world?.cleanup();
  });

  const createEndpoint = async (path: string, extra: Record<string, unknown> = {}): Promise<string> => {
    const res = await call('POST', `${api}/v1/endpoints`, tenant.apiKey, { url: receiver.url(path), eventTypes: [`t${path.replace(/\W/g, '_')}`], ...extra });
    expect(res.status, JSON.stringify(res.json)).toBe(201);
    return res.json.id as string;
  };
  const typeOf = (path: string) => `t${path.replace(/\W/g, '_')}`;
  const publishBatch = async (path: string, events: Array<{ key?: string; seq: number; orderingKey?: string }>) => {
    for (let i = 0; i < events.length; i += 1_000) {
      const chunk = events.slice(i, i + 1_000).map((e) => ({
        type: typeOf(path),
        data: { key: e.key ?? e.orderingKey ?? 'none', seq: e.seq },
        ...(e.orderingKey === undefined ? {} : { orderingKey: e.orderingKey }),
      }));
      const res = await call('POST', `${api}/v1/events/batch`, tenant.apiKey, { events: chunk });
      expect(res.status, JSON.stringify(res.json)).toBe(202);
    }
  };
  const statusOf = async (endpointId: string, seqKey: string, seq: number): Promise<string | undefined> => {
    const { rows } = await world.pool.query<{ status: string }>(
      `SELECT d.status FROM deliveries d JOIN events e ON e.id = d.event_id
       WHERE d.endpoint_id = $1 AND e.payload->>'key' = $2 AND (e.payload->>'seq')::int = $3`,
      [endpointId, seqKey, seq],
    );
    return rows[0]?.status;
  };

  it('validates orderingKey on publish and ordering / orderingOnDead on every endpoint route', async () => {
    const bad = async (method: 'POST' | 'PATCH', url: string, body: unknown, path: string) => {
      const res = await call(method, url, tenant.apiKey, body);
      expect(res.status, JSON.stringify(res.json)).toBe(422);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(JSON.stringify(res.json)).toContain(path);
    };
    await bad('POST', `${api}/v1/events`, { type: 'a.b', data: {}, orderingKey: '' }, 'orderingKey');
    await bad('POST', `${api}/v1/events`, { type: 'a.b', data: {}, orderingKey: 'k'.repeat(257) }, 'orderingKey');
    await bad('POST', `${api}/v1/events`, { type: 'a.b', data: {}, orderingKey: 42 }, 'orderingKey');
    await bad('POST', `${api}/v1/events/batch`, { events: [{ type: 'a.b', data: {}, orderingKey: 'ok' }, { type: 'a.b', data: {}, orderingKey: '' }] }, 'events.1.orderingKey');
    expect((await call('POST', `${api}/v1/events`, tenant.apiKey, { type: 'a.b', data: {}, orderingKey: 'k'.repeat(256) })).status).toBe(202);

    const only = { eventTypes: ['validation.only'] };
    await bad('POST', `${api}/v1/endpoints`, { url: receiver.url('/v'), ordering: 'fifo' }, 'ordering');
    await bad('POST', `${api}/v1/endpoints`, { url: receiver.url('/v'), orderingOnDead: 'retry' }, 'orderingOnDead');
    const plain = await call('POST', `${api}/v1/endpoints`, tenant.apiKey, { url: receiver.url('/v'), ...only });
    expect(plain.json).toMatchObject({ ordering: null, orderingOnDead: 'skip' });
    const ordered = await call('POST', `${api}/v1/applications/${plain.json.applicationId}/endpoints`, tenant.apiKey, { url: receiver.url('/v'), ordering: 'key', orderingOnDead: 'block', ...only });
    expect(ordered.status).toBe(201);
    expect(ordered.json).toMatchObject({ ordering: 'key', orderingOnDead: 'block' });
    expect((await call('GET', `${api}/v1/endpoints/${ordered.json.id}`, tenant.apiKey)).json).toMatchObject({ ordering: 'key', orderingOnDead: 'block' });
    const listed = (await call('GET', `${api}/v1/endpoints?limit=250`, tenant.apiKey)).json.data as Array<{ id: string; ordering: unknown; orderingOnDead: unknown }>;
    expect(listed.find((e) => e.id === plain.json.id)).toMatchObject({ ordering: null, orderingOnDead: 'skip' });
    await bad('PATCH', `${api}/v1/endpoints/${plain.json.id}`, { ordering: 'yes' }, 'ordering');
    const patched = await call('PATCH', `${api}/v1/endpoints/${plain.json.id}`, tenant.apiKey, { ordering: 'key', orderingOnDead: 'block' });
    expect(patched.json).toMatchObject({ ordering: 'key', orderingOnDead: 'block' });
    const cleared = await call('PATCH', `${api}/v1/endpoints/${plain.json.id}`, tenant.apiKey, { ordering: null });
    expect(cleared.json).toMatchObject({ ordering: null, orderingOnDead: 'block' });

    // The OpenAPI document carries the fields.
    const doc = JSON.stringify((await call('GET', `${api}/openapi.json`)).json);
    for (const field of ['orderingKey', 'orderingOnDead']) expect(doc).toContain(`"${field}"`);
  });

  it('10,000 events over 100 keys, 20 % of requests failing: every key in publish order, one at a time, no key blocking another', { timeout: 240_000 }, async () => {
    const path = '/ordered';
    const endpointId = await createEndpoint(path, { ordering: 'key' });
    const failures = new Map<string, number>();
    answers.set(path, (r) => {
      const b = bodyOf(r);
      const failed = failures.get(b.id) ?? 0;
      // key-0's 51st event fails seven times (two seconds and more of retries): it must hold back only key-0's later events.
      const hold = b.data.key === 'key-0' && b.data.seq === 50 && failed < 7;
      // 20 % of requests fail (never more than three times for one event: nothing dies here).
      const ok = !hold && (failed >= 3 || (b.data.key === 'key-0' && b.data.seq === 50) || Math.random() >= 0.2);
      if (!ok) failures.set(b.id, failed + 1);
      return ok;
    });
    const events = ascending(10_000).map((i) => ({ orderingKey: `key-${i % 100}`, seq: Math.floor(i / 100) }));
    const started = Date.now();
    await publishBatch(path, events);
    const log = logOf(path);
    await waitFor(() => log.firstSuccess.size === 10_000, { timeoutMs: 180_000, description: 'all 10,000 delivered' });
    const seconds = (Date.now() - started) / 1000;

    // While key-0's 51st event failed, the other keys went on (and key-0's later events waited).
    const firstTry = log.requests.findIndex((r) => r.key === 'key-0' && r.seq === 50);
    const key0 = [...log.firstSuccess.values()].find((s) => s.key === 'key-0' && s.seq === 50)!;
    const othersMeanwhile = [...log.firstSuccess.values()].filter((s) => s.key !== 'key-0' && s.index > firstTry && s.index < key0.index).length;
    expect(othersMeanwhile).toBeGreaterThan(100);
    expect(log.requests.slice(0, key0.index).filter((r) => r.key === 'key-0' && r.seq > 50)).toEqual([]);
    expect(log.requests.filter((r) => r.key === 'key-0' && r.seq === 50)).toHaveLength(8);

    for (let k = 0; k < 100; k++) expect(log.succeeded(`key-${k}`), `key-${k}`).toEqual(ascending(100));
    // One at a time: a key's requests never go back to an earlier event, and the next event comes only after a success.
    const lastByKey = new Map<string, { seq: number; ok: boolean }>();
    for (const r of log.requests) {
      const last = lastByKey.get(r.key);
      if (last) expect(r.seq === last.seq || (r.seq === last.seq + 1 && last.ok), `${r.key}: ${r.seq} after ${last.seq}`).toBe(true);
      lastByKey.set(r.key, r);
    }
    const failed = log.requests.filter((r) => !r.ok).length;
    expect(failed / log.requests.length).toBeGreaterThan(0.15);
    // Every attempt is recorded, failed ones with their next attempt.
    await waitFor(async () => {
      const { rows } = await world.pool.query<{ n: string }>('SELECT count(*) AS n FROM attempts WHERE endpoint_id = $1', [endpointId]);
      return Number(rows[0]!.n) === log.requests.length;
    }, { timeoutMs: 30_000, description: 'every attempt recorded' });
    const { rows: retried } = await world.pool.query<{ n: string }>(
      "SELECT count(*) AS n FROM attempts WHERE endpoint_id = $1 AND status = 'retrying' AND next_attempt_at IS NOT NULL",
      [endpointId],
    );
    expect(Number(retried[0]!.n)).toBe(failed);
    console.log(`ordered: 10,000 events over 100 keys, ${log.requests.length} requests (${failed} failed) in ${seconds.toFixed(1)} s; ${othersMeanwhile} deliveries of other keys while key-0 was held`);
  });

  it('orderingOnDead skip: a dead event lets its key go on', { timeout: 90_000 }, async () => {
    const path = '/skip';
    const endpointId = await createEndpoint(path, { ordering: 'key' });
    answers.set(path, (r) => bodyOf(r).data.seq !== 1);
    await publishBatch(path, ascending(4).map((seq) => ({ orderingKey: 'k', seq })));
    const log = logOf(path);
    await waitFor(() => log.succeeded('k').length === 3, { timeoutMs: 60_000, description: 'the key past its dead event' });
    expect(log.succeeded('k')).toEqual([0, 2, 3]);
    // Event 1 was tried nine times (the whole schedule) before event 2 was first sent.
    const firstOf2 = log.requests.findIndex((r) => r.seq === 2);
    expect(log.requests.slice(0, firstOf2).filter((r) => r.seq === 1)).toHaveLength(9);
    await waitFor(async () => (await statusOf(endpointId, 'k', 1)) === 'dead', { timeoutMs: 20_000, description: 'event 1 dead' });
  });

  it('orderingOnDead block: a dead event stops its key (only its key) until it is redriven', { timeout: 120_000 }, async () => {
    const path = '/block';
    const endpointId = await createEndpoint(path, { ordering: 'key', orderingOnDead: 'block' });
    let broken = true;
    answers.set(path, (r) => !(broken && bodyOf(r).data.key === 'stuck' && bodyOf(r).data.seq === 0));
    await publishBatch(path, [0, 1, 2].map((seq) => ({ orderingKey: 'stuck', seq })));
    const log = logOf(path);
    await waitFor(async () => (await statusOf(endpointId, 'stuck', 0)) === 'dead', { timeoutMs: 60_000, description: 'the head dead' });
    // Another key of the endpoint flows while 'stuck' is blocked; 'stuck' stays stopped behind its dead event.
    await publishBatch(path, [0, 1, 2].map((seq) => ({ orderingKey: 'free', seq })));
    await waitFor(() => log.succeeded('free').length === 3, { timeoutMs: 30_000, description: 'the other key delivered' });
    expect(log.succeeded('free')).toEqual([0, 1, 2]);
    expect(log.requests.filter((r) => r.key === 'stuck' && r.seq > 0)).toEqual([]);
    const pending = await statusOf(endpointId, 'stuck', 1);
    expect(pending).toBe('pending');

    // What a user sees: the blocked key with the dead delivery holding it, and that dead letter; redriving unblocks the key.
    const blocked = await call('GET', `${api}/v1/endpoints/${endpointId}/blocked-keys`, tenant.apiKey);
    expect(blocked.status).toBe(200);
    const dead = await call('GET', `${api}/v1/dead-letters?endpointId=${endpointId}`, tenant.apiKey);
    expect(dead.json.data).toHaveLength(1);
    expect(blocked.json.data).toEqual([{ orderingKey: 'stuck', deliveryId: dead.json.data[0].id, waiting: 2, blockedSince: expect.any(String) }]);
    broken = false;
    const redrive = await call('POST', `${api}/v1/dead-letters/redrive`, tenant.apiKey, { endpointId });
    expect(redrive.status).toBe(202);
    await waitFor(() => log.succeeded('stuck').length === 3, { timeoutMs: 30_000, description: 'the key delivered after the redrive' });
    expect(log.succeeded('stuck')).toEqual([0, 1, 2]);
    expect((await call('GET', `${api}/v1/endpoints/${endpointId}/blocked-keys`, tenant.apiKey)).json).toEqual({ data: [] });
  });

  it('turning ordering off lets what waits go (a blocked dead delivery stays a dead letter)', { timeout: 90_000 }, async () => {
    const path = '/turned-off';
    const endpointId = await createEndpoint(path, { ordering: 'key', orderingOnDead: 'block' });
    answers.set(path, (r) => bodyOf(r).data.seq !== 0);
    await publishBatch(path, [0, 1, 2].map((seq) => ({ orderingKey: 'x', seq })));
    await waitFor(async () => (await statusOf(endpointId, 'x', 0)) === 'dead', { timeoutMs: 60_000, description: 'the head dead' });
    const log = logOf(path);
    expect(log.requests.filter((r) => r.seq > 0)).toEqual([]);
    const patched = await call('PATCH', `${api}/v1/endpoints/${endpointId}`, tenant.apiKey, { ordering: null });
    expect(patched.json.ordering).toBeNull();
    await waitFor(() => log.succeeded('x').length === 2, { timeoutMs: 30_000, description: 'the waiting events let go' });
    expect(log.succeeded('x')).toEqual([1, 2]);
    expect(log.requests.filter((r) => r.seq === 0)).toHaveLength(9);
    expect(await statusOf(endpointId, 'x', 0)).toBe('dead');
    expect((await call('GET', `${api}/v1/endpoints/${endpointId}/blocked-keys`, tenant.apiKey)).json).toEqual({ data: [] });
  });

  it('endpoints without ordering deliver concurrently as before; events without a key reach an ordered endpoint unordered', { timeout: 90_000 }, async () => {
    const path = '/plain';
    const endpointId = await createEndpoint(path);
    let firstFails = true;
    answers.set(path, (r) => !(firstFails && bodyOf(r).data.seq === 0));
    await publishBatch(path, ascending(3).map((seq) => ({ orderingKey: 'k', seq })));
    const log = logOf(path);
    // The later events of the key arrive while its first one is still failing.
    await waitFor(() => log.succeeded('k').length === 2, { timeoutMs: 30_000, description: 'events 1 and 2 while 0 fails' });
    expect(log.succeeded('k')).toEqual([1, 2]);
    firstFails = false;
    await waitFor(() => log.succeeded('k').length === 3, { timeoutMs: 30_000, description: 'event 0 at last' });
    const { rows } = await world.pool.query('SELECT 1 FROM ordered_deliveries WHERE endpoint_id = $1', [endpointId]);
    expect(rows).toEqual([]);

    const orderedPath = '/ordered-nokey';
    const ordered = await createEndpoint(orderedPath, { ordering: 'key' });
    let fails = true;
    answers.set(orderedPath, (r) => !(fails && bodyOf(r).data.seq === 0));
    await publishBatch(orderedPath, ascending(3).map((seq) => ({ seq })));
    await waitFor(() => logOf(orderedPath).succeeded('none').length === 2, { timeoutMs: 30_000, description: 'unkeyed events pass a failing one' });
    fails = false;
    await waitFor(() => logOf(orderedPath).succeeded('none').length === 3, { timeoutMs: 30_000, description: 'all unkeyed events' });
    expect((await world.pool.query('SELECT 1 FROM ordered_deliveries WHERE endpoint_id = $1', [ordered])).rows).toEqual([]);
  });

  it('a Kafka producer sets the ordering key with the hookline-ordering-key header, or with the record key', { timeout: 60_000 }, async () => {
    const path = '/kafka-producer';
    const endpointId = await createEndpoint(path, { ordering: 'key' });
    const producer = world.kafka.producer();
    await producer.connect();
    try {
      await producer.send({
        topic: world.topics.events,
        messages: ascending(5).map((seq) => ({
          key: 'same-partition',
          value: JSON.stringify({ tenantId: tenant.id, type: typeOf(path), data: { key: 'from-kafka', seq } }),
          headers: { 'hookline-ordering-key': 'from-kafka' },
        })),
      });
    } finally {
      await producer.disconnect();
    }
    await waitFor(() => logOf(path).succeeded('from-kafka').length === 5, { timeoutMs: 30_000, description: 'the produced events' });
    expect(logOf(path).succeeded('from-kafka')).toEqual(ascending(5));
    // Without the header, the record key is the ordering key — unless it is the event's own id (how ingest keys
    // the events it publishes without one).
    const keyed = world.kafka.producer();
    await keyed.connect();
    try {
      await keyed.send({
        topic: world.topics.events,
        messages: [
          ...ascending(3).map((seq) => ({ key: 'by-record-key', value: JSON.stringify({ tenantId: tenant.id, type: typeOf(path), data: { key: 'by-record-key', seq } }) })),
          { key: 'evt-own-id-1', value: JSON.stringify({ id: 'evt-own-id-1', tenantId: tenant.id, type: typeOf(path), data: { key: 'own-id', seq: 0 } }) },
        ],
      });
    } finally {
      await keyed.disconnect();
    }
    await waitFor(() => logOf(path).succeeded('by-record-key').length === 3 && logOf(path).succeeded('own-id').length === 1, { timeoutMs: 30_000, description: 'the keyed events' });
    expect(logOf(path).succeeded('by-record-key')).toEqual(ascending(3));
    const { rows } = await world.pool.query<{ ordering_key: string }>('SELECT DISTINCT ordering_key FROM ordered_deliveries WHERE endpoint_id = $1 ORDER BY ordering_key', [endpointId]);
    expect(rows).toEqual([{ ordering_key: 'by-record-key' }, { ordering_key: 'from-kafka' }]);
  });

  it('keeps every key in order across a dispatcher restart mid-stream', { timeout: 180_000 }, async () => {
    const path = '/restart';
    await createEndpoint(path, { ordering: 'key' });
    answers.set(path, () => Math.random() >= 0.1);
    const events = ascending(3_000).map((i) => ({ orderingKey: `r-${i % 30}`, seq: Math.floor(i / 30) }));
    await publishBatch(path, events);
    const log = logOf(path);
    await waitFor(() => log.firstSuccess.size >= 600, { timeoutMs: 60_000, description: 'a fifth delivered' });
    await dispatcher.stop();
    const atStop = log.firstSuccess.size;
    expect(atStop).toBeLessThan(3_000);
    dispatcher = await startPipeline(world, { services: ['dispatcher'], env });
    await waitFor(() => log.firstSuccess.size === 3_000, { timeoutMs: 150_000, description: 'all 3,000 after the restart' });
    for (let k = 0; k < 30; k++) expect(log.succeeded(`r-${k}`), `r-${k}`).toEqual(ascending(100));
  });
});
