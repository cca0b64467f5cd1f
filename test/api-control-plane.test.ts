import { createTestWorld, type TestWorld } from '@hookline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTenant, startPipeline, type Pipeline } from './support/pipeline.ts';

describe('API control plane: tenants, keys, endpoints, event types, isolation', () => {
  let world: TestWorld;
  let pipeline: Pipeline;
  let api: string;
  let admin: string;
  let a: { id: string; apiKey: string };
  let b: { id: string; apiKey: string };

  beforeAll(async () => {
    world = createTestWorld('api-control-plane');
    // The endpoint defaults come from the configuration the dispatcher reads too (not the built-in 5 s / 10).
    pipeline = await startPipeline(world, { services: ['ingest'], env: { DELIVERY_TIMEOUT_MS: '4000', ENDPOINT_MAX_CONCURRENCY: '7' } });
    api = pipeline.api;
    admin = world.env.ADMIN_TOKEN!;
    a = await createTenant(api, admin, 'alpha');
    b = await createTenant(api, admin, 'beta');
  });
  afterAll(async () => {
    await pipeline?.stop();
    await world?.cleanup();
  });

  describe('tenants and API keys', () => {
    it('creates tenants with an hk_ key of at least 32 bytes of entropy, admin only', async () => {
      expect(a.apiKey).toMatch(/^hk_[A-Za-z0-9_-]{43,}$/);
      expect((await call('POST', `${api}/v1/tenants`, a.apiKey, { name: 'x' })).status).toBe(401);
      expect((await call('POST', `${api}/v1/tenants`, undefined, { name: 'x' })).status).toBe(401);
    });

    it('issues and revokes extra keys; a revoked key answers 401', async () => {
      const created = await call('POST', `${api}/v1/tenants/${a.id}/api-keys`, admin);
      expect(created.status).toBe(201);
      expect(created.json).toMatchObject({ id: expect.any(String), apiKey: expect.stringMatching(/^hk_/) });
      expect((await call('GET', `${api}/v1/endpoints`, created.json.apiKey)).status).toBe(200);
      expect((await call('DELETE', `${api}/v1/tenants/${a.id}/api-keys/${created.json.id}`, admin)).status).toBe(204);
      expect((await call('GET', `${api}/v1/endpoints`, created.json.apiKey)).status).toBe(401);
      expect((await call('DELETE', `${api}/v1/tenants/${a.id}/api-keys/${created.json.id}`, admin)).status).toBe(404);
      expect((await call('POST', `${api}/v1/tenants/ten_missing/api-keys`, admin)).status).toBe(404);
    });

    it('answers 401 problem documents for missing or bad tokens', async () => {
      for (const token of [undefined, 'hk_nope', 'garbage']) {
        const res = await call('GET', `${api}/v1/endpoints`, token);
        expect(res.status).toBe(401);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.json).toMatchObject({ status: 401, title: 'Unauthorized' });
      }
    });
  });

  describe('endpoints', () => {
    it('creates with defaults and a generated secret that reads never show', async () => {
      const res = await call('POST', `${api}/v1/endpoints`, a.apiKey, { url: 'https://example.com/hooks', eventTypes: ['user.created'] });
      expect(res.status).toBe(201);
      expect(res.json).toMatchObject({
        id: expect.stringMatching(/^ep_/),
        url: 'https://example.com/hooks',
        eventTypes: ['user.created'],
        timeoutMs: 4_000,
        maxConcurrency: 7,
        disabled: false,
        secret: expect.stringMatching(/^whsec_/),
      });
      const got = await call('GET', `${api}/v1/endpoints/${res.json.id}`, a.apiKey);
      expect(got.status).toBe(200);
      expect(got.json).not.toHaveProperty('secret');
      const list = await call('GET', `${api}/v1/endpoints`, a.apiKey);
      expect(JSON.stringify(list.json)).not.toContain(res.json.secret);
      const secret = await call('GET', `${api}/v1/endpoints/${res.json.id}/secret`, a.apiKey);
      expect(secret.json).toEqual({ secret: res.json.secret });
    });

    it('stores secrets encrypted: the table holds no plaintext secret', async () => {
      const res = await call('POST', `${api}/v1/endpoints`, a.apiKey, { url: 'https://example.com/enc' });
      const { rows } = await world.pool.query('SELECT secrets::text AS s FROM endpoints WHERE id = $1', [res.json.id]);
      expect(rows[0].s).not.toContain(res.json.secret.slice(6));
    });

    it('accepts a supplied secret of the right form only', async () => {
      const good = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
      expect((await call('POST', `${api}/v1/endpoints`, a.apiKey, { url: 'https://example.com/s', secret: good })).json.secret).toBe(good);
      const bad = await call('POST', `${api}/v1/endpoints`, a.apiKey, { url: 'https://example.com/s', secret: 'whsec_short' });
      expect(bad.status).toBe(422);
      expect(bad.json.errors).toEqual([expect.objectContaining({ path: 'secret' })]);
    });

    it('validates every field and lists each problem', async () => {
      const res = await call('POST', `${api}/v1/endpoints`, a.apiKey, { url: 'not a url', timeoutMs: 999, eventTypes: ['bad type'], headers: { 'webhook-id': 'x' } });
      expect(res.status).toBe(422);
      expect(res.json.errors.map((e: { path: string }) => e.path).sort()).toEqual(['eventTypes.0', 'headers', 'timeoutMs', 'url']);
      const url = await call('POST', `${api}/v1/endpoints`, a.apiKey, { url: 'not a url' });
      expect(url.json.errors).toEqual([expect.objectContaining({ path: 'url' })]);
    });

    it('patches, rotates the secret, paginates and deletes', async () => {
      const created = (await call('POST', `${api}/v1/endpoints`, b.apiKey, { url: 'https://example.com/p' })).json;
      const patched = await call('PATCH', `${api}/v1/endpoints/${created.id}`, b.apiKey, { description: 'orders', disabled: true, rateLimitPerSecond: 5 });
      expect(patched.json).toMatchObject({ description: 'orders', disabled: true, disabledReason: 'manual', rateLimitPerSecond: 5 });
      const enabled = await call('PATCH', `${api}/v1/endpoints/${created.id}`, b.apiKey, { disabled: false });
      expect(enabled.json).toMatchObject({ disabled: false, disabledReason: null });

      const rotated = await call('POST', `${api}/v1/endpoints/${created.id}/secret/rotate`, b.apiKey, {});
      expect(rotated.json.secret).toMatch(/^whsec_/);
      expect(rotated.json.secret).not.toBe(created.secret);
      expect((await call('GET', `${api}/v1/endpoints/${created.id}/secret`, b.apiKey)).json.secret).toBe(rotated.json.secret);

      for (let i = 0; i < 3; i++) await call('POST', `${api}/v1/endpoints`, b.apiKey, { url: `https://example.com/page${i}` });
      const first = await call('GET', `${api}/v1/endpoints?limit=2`, b.apiKey);
      expect(first.json.data).toHaveLength(2);
      expect(first.json.nextCursor).toEqual(expect.any(String));
      const second = await call('GET', `${api}/v1/endpoints?limit=2&cursor=${first.json.nextCursor}`, b.apiKey);
      expect(second.json.data).toHaveLength(2);
      expect(second.json.data[0].id > first.json.data[1].id).toBe(true);
      expect((await call('GET', `${api}/v1/endpoints?limit=0`, b.apiKey)).status).toBe(422);

      expect((await call('DELETE', `${api}/v1/endpoints/${created.id}`, b.apiKey)).status).toBe(204);
      expect((await call('GET', `${api}/v1/endpoints/${created.id}`, b.apiKey)).status).toBe(404);
    });
  });

  describe('tenant isolation', () => {
    it("answers 404 for another tenant's resources, exactly as for missing ones", async () => {
      const mine = (await call('POST', `${api}/v1/endpoints`, a.apiKey, { url: 'https://example.com/mine' })).json;
      await call('PUT', `${api}/v1/event-types/private.type`, a.apiKey, { description: 'a only' });
      const missing = await call('GET', `${api}/v1/endpoints/ep_does_not_exist`, b.apiKey);
      for (const [method, path, body] of [
        ['GET', `/v1/endpoints/${mine.id}`],
        ['PATCH', `/v1/endpoints/${mine.id}`, { description: 'hijack' }],
        ['DELETE', `/v1/endpoints/${mine.id}`],
        ['GET', `/v1/endpoints/${mine.id}/secret`],
        ['POST', `/v1/endpoints/${mine.id}/secret/rotate`, {}],
        ['POST', `/v1/endpoints/${mine.id}/test`],
        ['GET', '/v1/event-types/private.type'],
        ['DELETE', '/v1/event-types/private.type'],
      ] as const) {
        const res = await call(method, `${api}${path}`, b.apiKey, body);
        expect(res.status, `${method} ${path}`).toBe(404);
        expect(res.json.title).toBe(missing.json.title);
      }
      expect((await call('GET', `${api}/v1/endpoints`, b.apiKey)).json.data.map((e: { id: string }) => e.id)).not.toContain(mine.id);
      expect((await call('GET', `${api}/v1/endpoints/${mine.id}`, a.apiKey)).json.description).toBe('');
    });
  });

  describe('event types', () => {
    it('creates, replaces, lists, gets and deletes', async () => {
      expect((await call('PUT', `${api}/v1/event-types/order.paid`, a.apiKey, { description: 'v1' })).status).toBe(201);
      const replaced = await call('PUT', `${api}/v1/event-types/order.paid`, a.apiKey, { description: 'v2' });
      expect(replaced.status).toBe(200);
      expect(replaced.json).toMatchObject({ name: 'order.paid', description: 'v2', schema: null });
      expect((await call('GET', `${api}/v1/event-types`, a.apiKey)).json.data.map((t: { name: string }) => t.name)).toContain('order.paid');
      expect((await call('GET', `${api}/v1/event-types/order.paid`, a.apiKey)).status).toBe(200);
      expect((await call('DELETE', `${api}/v1/event-types/order.paid`, a.apiKey)).status).toBe(204);
      expect((await call('GET', `${api}/v1/event-types/order.paid`, a.apiKey)).status).toBe(404);
      expect((await call('PUT', `${api}/v1/event-types/bad%20name`, a.apiKey, {})).status).toBe(422);
    });

    it('validates published data against the schema and lists every violation', async () => {
      const schema = {
        type: 'object',
        required: ['orderId', 'amount'],
        properties: { orderId: { type: 'string' }, amount: { type: 'number', minimum: 0 }, email: { type: 'string', format: 'email' } },
        additionalProperties: false,
      };
      expect((await call('PUT', `${api}/v1/event-types/order.created`, a.apiKey, { schema })).status).toBe(201);
      const bad = await call('POST', `${api}/v1/events`, a.apiKey, { type: 'order.created', data: { amount: -1, email: 'nope', extra: 1 } });
      expect(bad.status).toBe(422);
      expect(bad.headers['content-type']).toMatch(/problem\+json/);
      expect(bad.json.errors.map((e: { path: string }) => e.path).sort()).toEqual(['data', 'data', 'data.amount', 'data.email']);
      const good = await call('POST', `${api}/v1/events`, a.apiKey, { type: 'order.created', data: { orderId: 'o1', amount: 3 } });
      expect(good.status).toBe(202);
      // Another tenant's type of the same name has no schema: no validation there.
      expect((await call('POST', `${api}/v1/events`, b.apiKey, { type: 'order.created', data: { anything: true } })).status).toBe(202);
    });

    it('refuses a schema that is not a JSON Schema', async () => {
      const res = await call('PUT', `${api}/v1/event-types/broken`, a.apiKey, { schema: { type: 'no-such-type' } });
      expect(res.status).toBe(422);
      expect(res.json.errors[0].path).toBe('schema');
    });
  });
});
