import { createTestWorld, type TestWorld } from '@hookline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTenant, recordCount, startPipeline, type Pipeline } from './support/pipeline.ts';

describe('API publishing: single, batch, idempotent, limits and errors', () => {
  let world: TestWorld;
  let pipeline: Pipeline;
  let api: string;
  let key: string;
  const events = () => recordCount(world, world.topics.events);

  beforeAll(async () => {
    world = createTestWorld('api-publishing');
    pipeline = await startPipeline(world, { services: ['ingest'], env: { MAX_PAYLOAD_BYTES: '16384' } });
    api = pipeline.api;
    key = (await createTenant(api, world.env.ADMIN_TOKEN!)).apiKey;
  });
  afterAll(async () => {
    await pipeline?.stop();
    await world?.cleanup();
  });

  it('accepts an event with 202 {id, type, createdAt} once it is on the events topic', async () => {
    const before = await events();
    const res = await call('POST', `${api}/v1/events`, key, { type: 'user.created', data: { id: 1 } });
    expect(res.status).toBe(202);
    expect(res.json).toEqual({ id: expect.stringMatching(/^evt_/), type: 'user.created', createdAt: expect.any(String) });
    expect(new Date(res.json.createdAt).toISOString()).toBe(res.json.createdAt);
    expect(await events()).toBe(before + 1);
  });

  it.each([
    ['a type with a space', { type: 'user created', data: {} }, 'type'],
    ['a type of 129 characters', { type: 'a'.repeat(129), data: {} }, 'type'],
    ['data that is an array', { type: 't', data: [1] }, 'data'],
    ['data that is a string', { type: 't', data: 'x' }, 'data'],
    ['no data', { type: 't' }, 'data'],
    ['an id with a space', { type: 't', data: {}, id: 'a b' }, 'id'],
  ])('refuses %s with 422 naming the field', async (_name, body, path) => {
    const res = await call('POST', `${api}/v1/events`, key, body);
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json).toMatchObject({ type: expect.any(String), title: expect.any(String), status: 422, detail: expect.any(String) });
    expect(res.json.errors.map((e: { path: string }) => e.path)).toContain(path);
  });

  it('answers 400, 413, 415 and 404 as problem documents, never 5xx', async () => {
    const cases = [
      [await call('POST', `${api}/v1/events`, key, '{"type": "x", ', { 'content-type': 'application/json' }), 400],
      [await call('POST', `${api}/v1/events`, key, { type: 't', data: { big: 'x'.repeat(20_000) } }), 413],
      [await call('POST', `${api}/v1/events`, key, 'type=t', { 'content-type': 'application/x-www-form-urlencoded' }), 415],
      [await call('GET', `${api}/v1/no-such-route`, key), 404],
      [await call('POST', `${api}/v1/events`, key, 'null', { 'content-type': 'application/json' }), 422],
      [await call('POST', `${api}/v1/events`, key, '[]', { 'content-type': 'application/json' }), 422],
    ] as const;
    for (const [res, status] of cases) {
      expect(res.status).toBe(status);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json.status).toBe(status);
    }
  });

  it('returns the first event, 200, when a caller-supplied id is published again', async () => {
    const first = await call('POST', `${api}/v1/events`, key, { type: 'order.paid', data: { n: 1 }, id: 'order-42' });
    expect(first.status).toBe(202);
    expect(first.json.id).toBe('order-42');
    const before = await events();
    const again = await call('POST', `${api}/v1/events`, key, { type: 'order.paid', data: { n: 2 }, id: 'order-42' });
    expect(again.status).toBe(200);
    expect(again.json).toEqual(first.json);
    expect(await events()).toBe(before);
  });

  it('replays the original response for a repeated Idempotency-Key and publishes nothing new', async () => {
    const body = { type: 'invoice.sent', data: { invoice: 7 } };
    const first = await call('POST', `${api}/v1/events`, key, body, { 'idempotency-key': 'k-1' });
    expect(first.status).toBe(202);
    const before = await events();
    const again = await call('POST', `${api}/v1/events`, key, body, { 'idempotency-key': 'k-1' });
    expect(again).toMatchObject({ status: 202, json: first.json });
    expect(await events()).toBe(before);
    const other = await call('POST', `${api}/v1/events`, key, { ...body, data: { invoice: 8 } }, { 'idempotency-key': 'k-1' });
    expect(other.status).toBe(409);
    expect(other.headers['content-type']).toMatch(/problem\+json/);
  });

  it('publishes once for concurrent duplicate requests with the same key', async () => {
    const before = await events();
    const body = { type: 'payment.captured', data: { amount: 10 } };
    const results = await Promise.all(Array.from({ length: 12 }, () => call('POST', `${api}/v1/events`, key, body, { 'idempotency-key': 'concurrent-1' })));
    const ids = new Set(results.map((r) => r.json.id));
    expect(results.map((r) => r.status)).toEqual(Array(12).fill(202));
    expect(ids.size).toBe(1);
    expect(await events()).toBe(before + 1);
  });

  it('publishes once for concurrent duplicate caller-supplied ids', async () => {
    const before = await events();
    const results = await Promise.all(Array.from({ length: 8 }, () => call('POST', `${api}/v1/events`, key, { type: 't', data: {}, id: 'dup-1' })));
    expect(results.filter((r) => r.status === 202)).toHaveLength(1);
    expect(results.filter((r) => r.status === 200)).toHaveLength(7);
    expect(await events()).toBe(before + 1);
  });

  it('keeps a key usable after a request that failed validation', async () => {
    const bad = await call('POST', `${api}/v1/events`, key, { type: 'bad type', data: {} }, { 'idempotency-key': 'k-retry' });
    expect(bad.status).toBe(422);
    const good = await call('POST', `${api}/v1/events`, key, { type: 'good.type', data: {} }, { 'idempotency-key': 'k-retry' });
    expect(good.status).toBe(202);
  });

  it('publishes a batch, all or nothing, with per-item errors', async () => {
    const before = await events();
    const ok = await call('POST', `${api}/v1/events/batch`, key, { events: [{ type: 'a', data: {} }, { type: 'b', data: { x: 1 }, id: 'batch-item-1' }] });
    expect(ok.status).toBe(202);
    expect(ok.json.data).toEqual([{ id: expect.stringMatching(/^evt_/) }, { id: 'batch-item-1' }]);
    expect(await events()).toBe(before + 2);

    const bad = await call('POST', `${api}/v1/events/batch`, key, { events: [{ type: 'a', data: {} }, { type: 'no good', data: {} }, { type: 'c' }] });
    expect(bad.status).toBe(422);
    expect(bad.json.errors.map((e: { path: string }) => e.path).sort()).toEqual(['events.1.type', 'events.2.data']);
    expect(await events()).toBe(before + 2);

    const tooMany = await call('POST', `${api}/v1/events/batch`, key, { events: Array.from({ length: 1_001 }, () => ({ type: 't', data: {} })) });
    expect([413, 422]).toContain(tooMany.status);
    expect((await call('POST', `${api}/v1/events/batch`, key, { events: [] })).status).toBe(422);
  });

  it('rate-limits each tenant with 429 and Retry-After', async () => {
    const limited = await startPipeline(world, { services: ['ingest'], env: { TENANT_PUBLISH_RATE: '3' } });
    try {
      const tenant = await createTenant(limited.api, world.env.ADMIN_TOKEN!, 'limited');
      const other = await createTenant(limited.api, world.env.ADMIN_TOKEN!, 'other');
      const statuses: number[] = [];
      let retryAfter: unknown;
      for (let i = 0; i < 6; i++) {
        const res = await call('POST', `${limited.api}/v1/events`, tenant.apiKey, { type: 't', data: {} });
        statuses.push(res.status);
        if (res.status === 429) retryAfter = res.headers['retry-after'];
      }
      expect(statuses.slice(0, 3)).toEqual([202, 202, 202]);
      expect(statuses).toContain(429);
      expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
      expect((await call('POST', `${limited.api}/v1/events`, other.apiKey, { type: 't', data: {} })).status).toBe(202);
    } finally {
      await limited.stop();
    }
  });
});
