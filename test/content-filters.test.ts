import { createTestWorld, Receiver, waitFor, type ReceivedRequest, type TestWorld } from '@hookline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTenant, startPipeline, type Pipeline } from './support/pipeline.ts';

const eventIdOf = (r: ReceivedRequest) => String(r.headers['webhook-id']);

/**
 * Content filters against the real stack (ingest, dispatcher, tracker, PostgreSQL, Kafka, a local receiver): an
 * endpoint with a filter receives only the events that match it, and nothing is recorded for the others; an
 * endpoint without one receives everything; the test route; validation with paths; a changed filter applies to the
 * next event.
 */
describe('content filters on endpoints', () => {
  let world: TestWorld;
  let pipeline: Pipeline;
  let receiver: Receiver;
  let api: string;
  let tenant: { id: string; apiKey: string };

  beforeAll(async () => {
    world = createTestWorld('content-filters');
    receiver = await Receiver.start();
    pipeline = await startPipeline(world);
    api = pipeline.api;
    tenant = await createTenant(api, world.env.ADMIN_TOKEN!);
  });
  afterAll(async () => {
    await pipeline?.stop();
    await receiver?.close();
    await world?.cleanup();
  });

  const publish = async (type: string, data: Record<string, unknown>, prefix = '/v1'): Promise<string> => {
    const res = await call('POST', `${api}${prefix}/events`, tenant.apiKey, { type, data });
    expect(res.status, JSON.stringify(res.json)).toBe(202);
    return res.json.id as string;
  };
  const receivedAt = (path: string) => receiver.requests.filter((r) => r.path === path).map(eventIdOf);

  it('delivers to a filtered endpoint only the events that match; an endpoint without a filter gets them all', { timeout: 90_000 }, async () => {
    const filter = {
      type: { $in: ['invoice.paid', 'invoice.refunded'] },
      'data.amount': { $gt: 100 },
      'data.customer.country': { $nin: ['XX'] },
      $or: [{ 'data.tags': 'vip' }, { 'data.items.sku': { $regex: '^pro-', $options: 'i' } }, { 'data.priority': { $exists: true } }],
    };
    const filtered = await call('POST', `${api}/v1/endpoints`, tenant.apiKey, { url: receiver.url('/filtered'), filter });
    expect(filtered.status, JSON.stringify(filtered.json)).toBe(201);
    expect(filtered.json.filter).toEqual(filter);
    expect((await call('GET', `${api}/v1/endpoints/${filtered.json.id}`, tenant.apiKey)).json.filter).toEqual(filter);
    const all = await call('POST', `${api}/v1/endpoints`, tenant.apiKey, { url: receiver.url('/all') });
    expect(all.json.filter).toBeNull();

    const cases: Array<[string, Record<string, unknown>, boolean]> = [
      ['invoice.paid', { amount: 250, customer: { country: 'DE' }, tags: ['new', 'vip'] }, true],
      ['invoice.refunded', { amount: 101, customer: { country: 'FR' }, items: [{ sku: 'basic-1' }, { sku: 'PRO-7' }] }, true],
      ['invoice.paid', { amount: 500, priority: 'high' }, true], // no customer: $nin matches a missing field
      ['invoice.paid', { amount: 100, tags: ['vip'] }, false], // $gt is strict
      ['invoice.paid', { amount: '250', tags: ['vip'] }, false], // a string is not a number
      ['invoice.created', { amount: 250, tags: ['vip'] }, false], // type not in $in
      ['invoice.paid', { amount: 250, customer: { country: 'XX' }, tags: ['vip'] }, false], // $nin
      ['invoice.paid', { amount: 250, tags: ['new'], items: [{ sku: 'basic-1' }] }, false], // no $or branch
      ['order.created', { amount: 1_000 }, false],
    ];
    const sent: Array<{ id: string; matches: boolean }> = [];
    for (const [type, data, matches] of cases) sent.push({ id: await publish(type, data), matches });
    const expected = sent.filter((s) => s.matches).map((s) => s.id);

    // The unfiltered endpoint gets every event: fan-out has handled them all (each event's deliveries leave together).
    await waitFor(() => sent.every((s) => receivedAt('/all').includes(s.id)), { timeoutMs: 30_000, description: 'every event at /all' });
    await waitFor(() => expected.every((id) => receivedAt('/filtered').includes(id)), { timeoutMs: 30_000, description: 'the matching events at /filtered' });
    expect(new Set(receivedAt('/filtered'))).toEqual(new Set(expected));

    // Nothing was recorded for the filtered-out events at that endpoint: no delivery, no attempt.
    await waitFor(async () => {
      const { rows } = await world.pool.query<{ event_id: string }>('SELECT event_id FROM attempts WHERE endpoint_id = $1', [filtered.json.id]);
      return rows.length === expected.length;
    }, { timeoutMs: 20_000, description: 'the attempts of the filtered endpoint recorded' });
    const ids = sent.map((s) => s.id);
    const deliveries = await world.pool.query<{ event_id: string }>('SELECT event_id FROM deliveries WHERE endpoint_id = $1 AND event_id = ANY ($2)', [filtered.json.id, ids]);
    expect(new Set(deliveries.rows.map((r) => r.event_id))).toEqual(new Set(expected));
    const attempts = await world.pool.query<{ event_id: string }>('SELECT event_id FROM attempts WHERE endpoint_id = $1', [filtered.json.id]);
    expect(new Set(attempts.rows.map((r) => r.event_id))).toEqual(new Set(expected));
    const allDeliveries = await world.pool.query('SELECT 1 FROM deliveries WHERE endpoint_id = $1 AND event_id = ANY ($2)', [all.json.id, ids]);
    expect(allDeliveries.rowCount).toBe(ids.length);
  });

  it("filters on an event's metadata (HTTP publish, batch, filter test route); the history shows it; bad metadata is a 422", { timeout: 90_000 }, async () => {
    const ep = await call('POST', `${api}/v1/endpoints`, tenant.apiKey, { url: receiver.url('/eu'), eventTypes: ['meta.test'], filter: { 'metadata.region': 'eu' } });
    expect(ep.status, JSON.stringify(ep.json)).toBe(201);
    const pub = (metadata?: Record<string, string>) => call('POST', `${api}/v1/events`, tenant.apiKey, { type: 'meta.test', data: { n: 1 }, ...(metadata ? { metadata } : {}) });
    const eu = await pub({ region: 'eu', plan: 'pro' });
    expect(eu.status, JSON.stringify(eu.json)).toBe(202);
    const us = await pub({ region: 'us' });
    const none = await pub();
    const batch = await call('POST', `${api}/v1/events/batch`, tenant.apiKey, { events: [{ type: 'meta.test', data: {}, metadata: { region: 'eu' } }, { type: 'meta.test', data: {}, metadata: { region: 'apac' } }] });
    expect(batch.status, JSON.stringify(batch.json)).toBe(202);
    const [euBatch, apacBatch] = batch.json.data.map((d: { id: string }) => d.id);
    // A sentinel for the same endpoint behind the others.
    const sentinel = await pub({ region: 'eu' });
    await waitFor(() => [eu.json.id, euBatch, sentinel.json.id].every((id) => receivedAt('/eu').includes(id)), { timeoutMs: 30_000, description: 'the eu events' });
    for (const id of [us.json.id, none.json.id, apacBatch]) expect(receivedAt('/eu')).not.toContain(id);
    // Metadata routes; it is not sent to the endpoint.
    const body = receiver.requests.find((r) => eventIdOf(r) === eu.json.id)!.body;
    expect(JSON.stringify(body)).not.toContain('metadata');

    await waitFor(async () => (await call('GET', `${api}/v1/events/${eu.json.id}`, tenant.apiKey)).status === 200, { timeoutMs: 20_000, description: 'the event recorded' });
    expect((await call('GET', `${api}/v1/events/${eu.json.id}`, tenant.apiKey)).json.metadata).toEqual({ region: 'eu', plan: 'pro' });
    await waitFor(async () => (await call('GET', `${api}/v1/events/${none.json.id}`, tenant.apiKey)).status === 200, { timeoutMs: 20_000, description: 'the event recorded' });
    expect((await call('GET', `${api}/v1/events/${none.json.id}`, tenant.apiKey)).json).not.toHaveProperty('metadata');

    const tested = await call('POST', `${api}/v1/endpoints/${ep.json.id}/filter/test`, tenant.apiKey, { event: { type: 'meta.test', data: {}, metadata: { region: 'eu' } } });
    expect(tested.json).toEqual({ matches: true });
    expect((await call('POST', `${api}/v1/endpoints/${ep.json.id}/filter/test`, tenant.apiKey, { event: { type: 'meta.test', data: {} } })).json).toEqual({ matches: false });

    for (const [metadata, path] of [[{ region: 1 }, 'metadata.region'], [{ 'bad key': 'x' }, 'metadata.bad key'], ['eu', 'metadata']] as const) {
      const bad = await call('POST', `${api}/v1/events`, tenant.apiKey, { type: 'meta.test', data: {}, metadata });
      expect(bad.status, JSON.stringify(metadata)).toBe(422);
      expect(bad.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(bad.json.errors.map((e: { path: string }) => e.path), JSON.stringify(bad.json)).toContain(path);
    }
  });

  it('a changed filter applies to the next event, and null clears it', { timeout: 90_000 }, async () => {
    const ep = await call('POST', `${api}/v1/endpoints`, tenant.apiKey, { url: receiver.url('/changing'), eventTypes: ['change.test'], filter: { 'data.n': { $lt: 10 } } });
    expect(ep.status).toBe(201);
    const a = await publish('change.test', { n: 5 });
    const b = await publish('change.test', { n: 50 });
    await waitFor(() => receivedAt('/changing').includes(a), { timeoutMs: 20_000, description: 'n=5 under $lt 10' });

    const patched = await call('PATCH', `${api}/v1/endpoints/${ep.json.id}`, tenant.apiKey, { filter: { 'data.n': { $gte: 10 } } });
    expect(patched.status).toBe(200);
    expect(patched.json.filter).toEqual({ 'data.n': { $gte: 10 } });
    // Published right after the change: fan-out waits until it has the change (no sleep, no retry).
    const c = await publish('change.test', { n: 5 });
    const d = await publish('change.test', { n: 50 });
    await waitFor(() => receivedAt('/changing').includes(d), { timeoutMs: 20_000, description: 'n=50 under $gte 10' });

    const cleared = await call('PATCH', `${api}/v1/endpoints/${ep.json.id}`, tenant.apiKey, { filter: null });
    expect(cleared.json.filter).toBeNull();
    const e = await publish('change.test', { n: 5 });
    const f = await publish('change.test', { n: 50 });
    await waitFor(() => [e, f].every((id) => receivedAt('/changing').includes(id)), { timeoutMs: 20_000, description: 'both without a filter' });
    // A sentinel behind everything: once it is in, nothing else is on its way.
    const g = await publish('change.test', { n: 7 });
    await waitFor(() => receivedAt('/changing').includes(g), { timeoutMs: 20_000, description: 'the sentinel' });
    const got = receivedAt('/changing');
    expect(got).not.toContain(b);
    expect(got).not.toContain(c);
    expect(new Set(got)).toEqual(new Set([a, d, e, f, g]));
    const { rows } = await world.pool.query<{ filter: unknown }>('SELECT filter FROM endpoints WHERE id = $1', [ep.json.id]);
    expect(rows[0]!.filter).toBeNull(); // SQL NULL, not a JSON null
  });

  it('refuses an invalid filter with 422 naming its path, on create and update, on both kinds of route', async () => {
    const bad = await call('POST', `${api}/v1/endpoints`, tenant.apiKey, { url: receiver.url('/bad'), filter: { 'data.amount': { $gt: true } } });
    expect(bad.status).toBe(422);
    expect(bad.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(bad.json.errors).toEqual([{ path: 'filter.data.amount.$gt', message: 'must be a number or a string' }]);

    const cases: Array<[unknown, string]> = [
      [{ meta: { plan: 'pro' } }, 'filter.meta'],
      [{ $or: [{ type: 'a' }, { 'data.x': { $in: 'a' } }] }, 'filter.$or.1.data.x.$in'],
      [{ type: { $regex: '(a+)\\1' } }, 'filter.type.$regex'],
      [{ type: { $regex: 'a'.repeat(300) } }, 'filter.type.$regex'],
      [{ 'data.x': { $where: '1' } }, 'filter.data.x.$where'],
      [[{ type: 'a' }], 'filter'],
      ['type', 'filter'],
    ];
    const ep = await call('POST', `${api}/v1/endpoints`, tenant.apiKey, { url: receiver.url('/bad') });
    for (const [filter, path] of cases) {
      const res = await call('PATCH', `${api}/v1/endpoints/${ep.json.id}`, tenant.apiKey, { filter });
      expect(res.status, JSON.stringify(filter)).toBe(422);
      expect(res.json.errors.map((e: { path: string }) => e.path), JSON.stringify(filter)).toEqual([path]);
    }

    const app = await call('POST', `${api}/v1/applications`, tenant.apiKey, { name: 'Filters', uid: 'cust-filters' });
    expect(app.status).toBe(201);
    const scoped = await call('POST', `${api}/v1/applications/cust-filters/endpoints`, tenant.apiKey, { url: receiver.url('/app'), filter: { 'data.n': { $gt: 'x', $lt: [] } } });
    expect(scoped.status).toBe(422);
    expect(scoped.json.errors).toEqual([{ path: 'filter.data.n.$lt', message: 'must be a number or a string' }]);
    const ok = await call('POST', `${api}/v1/applications/cust-filters/endpoints`, tenant.apiKey, { url: receiver.url('/app'), filter: { type: 'a.b' } });
    expect(ok.status).toBe(201);
    expect(ok.json.filter).toEqual({ type: 'a.b' });
    const patched = await call('PATCH', `${api}/v1/applications/cust-filters/endpoints/${ok.json.id}`, tenant.apiKey, { filter: { type: { $ne: 1, $bad: 1 } } });
    expect(patched.status).toBe(422);
    expect(patched.json.errors[0].path).toBe('filter.type.$bad');
    const listed = await call('GET', `${api}/v1/applications/cust-filters/endpoints`, tenant.apiKey);
    expect(listed.json.data.map((e: { filter: unknown }) => e.filter)).toEqual([{ type: 'a.b' }]);
  });

  it('tests an event against the saved filter or a filter not yet saved', async () => {
    const ep = await call('POST', `${api}/v1/endpoints`, tenant.apiKey, { url: receiver.url('/t'), filter: { type: { $in: ['invoice.paid'] }, 'data.amount': { $gt: 100 } } });
    const test = (body: unknown, prefix = '/v1', id = ep.json.id) => call('POST', `${api}${prefix}/endpoints/${id}/filter/test`, tenant.apiKey, body);

    expect(await test({ event: { type: 'invoice.paid', data: { amount: 150 } } })).toMatchObject({ status: 200, json: { matches: true } });
    expect((await test({ event: { type: 'invoice.paid', data: { amount: 50 } } })).json).toEqual({ matches: false });
    expect((await test({ event: { type: 'invoice.paid', data: { amount: 50 } }, filter: { 'data.amount': { $lte: 50 } } })).json).toEqual({ matches: true });
    expect((await test({ event: { type: 'x', data: {} }, filter: null })).json).toEqual({ matches: true });
    expect((await test({ event: { type: 'x', data: {}, headers: { 'x-github-event': 'push' } }, filter: { 'headers.x-github-event': 'push' } })).json).toEqual({ matches: true });
    expect((await test({ event: { type: 'x', data: {}, createdAt: '2026-01-02T00:00:00Z' }, filter: { createdAt: { $gte: '2026-01-01' } } })).json).toEqual({ matches: true });

    const badFilter = await test({ event: { type: 'x', data: {} }, filter: { 'data.a': { $exists: 1 } } });
    expect(badFilter.status).toBe(422);
    expect(badFilter.json.errors).toEqual([{ path: 'filter.data.a.$exists', message: 'must be true or false' }]);
    const badEvent = await test({ event: { type: 'has space', data: [] } });
    expect(badEvent.status).toBe(422);
    expect(badEvent.json.errors.map((e: { path: string }) => e.path).sort()).toEqual(['event.data', 'event.type']);
    expect((await test({})).status).toBe(422);
    expect((await test({ event: { type: 'x', data: {} } }, '/v1', 'ep_missing')).status).toBe(404);

    // The application-scoped route, and an endpoint without a filter (every event matches).
    await call('POST', `${api}/v1/applications`, tenant.apiKey, { name: 'Test route', uid: 'cust-test-route' });
    const plain = await call('POST', `${api}/v1/applications/cust-test-route/endpoints`, tenant.apiKey, { url: receiver.url('/t2') });
    expect((await test({ event: { type: 'x', data: {} } }, '/v1/applications/cust-test-route', plain.json.id)).json).toEqual({ matches: true });
    expect((await test({ event: { type: 'x', data: { n: 1 } }, filter: { 'data.n': 2 } }, '/v1/applications/cust-test-route', plain.json.id)).json).toEqual({ matches: false });
    // Another application's endpoint is not found under this one.
    expect((await test({ event: { type: 'x', data: {} } }, '/v1/applications/cust-test-route', ep.json.id)).status).toBe(404);
  });

  it('a stored filter that does not compile (written around the API) lets nothing through, and the test route names its problem', { timeout: 60_000 }, async () => {
    const broken = await call('POST', `${api}/v1/endpoints`, tenant.apiKey, { url: receiver.url('/broken'), eventTypes: ['broken.test'] });
    const witness = await call('POST', `${api}/v1/endpoints`, tenant.apiKey, { url: receiver.url('/witness'), eventTypes: ['broken.test'] });
    expect([broken.status, witness.status]).toEqual([201, 201]);
    await world.pool.query(`UPDATE endpoints SET filter = '{"data.n": {"$gt": true}}' WHERE id = $1`, [broken.json.id]);
    const id = await publish('broken.test', { n: 1 });
    // Fan-out handled the event (the witness got it), and gave the broken endpoint nothing.
    await waitFor(() => receivedAt('/witness').includes(id), { timeoutMs: 20_000, description: 'the witness delivery' });
    const deliveries = await world.pool.query('SELECT 1 FROM deliveries WHERE endpoint_id = $1', [broken.json.id]);
    expect(deliveries.rowCount).toBe(0);
    expect(receivedAt('/broken')).toEqual([]);
    const tested = await call('POST', `${api}/v1/endpoints/${broken.json.id}/filter/test`, tenant.apiKey, { event: { type: 'broken.test', data: { n: 1 } } });
    expect(tested.status).toBe(422);
    expect(tested.json.errors).toEqual([{ path: 'filter.data.n.$gt', message: 'must be a number or a string' }]);
  });

  it('documents the filter field and the test route in the OpenAPI document', async () => {
    const doc = (await call('GET', `${api}/openapi.json`)).json;
    for (const prefix of ['/v1', '/v1/applications/{app}']) {
      expect(doc.paths[`${prefix}/endpoints/{id}/filter/test`]?.post, prefix).toBeDefined();
    }
    const body = doc.paths['/v1/endpoints'].post.requestBody.content['application/json'].schema;
    expect(JSON.stringify(body)).toContain('filter');
  });
});
