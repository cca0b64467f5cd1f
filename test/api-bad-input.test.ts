import { createTestWorld, type TestWorld } from '@hookline/testing';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTenant, startPipeline, type Pipeline } from './support/pipeline.ts';

/** Sends a raw JSON text (what JSON.stringify would not write, such as very deep nesting). */
async function raw(method: 'POST' | 'PUT' | 'PATCH', url: string, token: string, body: string) {
  const res = await request(url, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body });
  const text = await res.body.text();
  return { status: res.statusCode, type: String(res.headers['content-type']), json: JSON.parse(text) as { errors?: Array<{ path: string; message: string }> } };
}

describe('API: input the database cannot store and fields it does not know are refused with 422 naming them', () => {
  let world: TestWorld;
  let pipeline: Pipeline;
  let api: string;
  let key: string;
  let endpointId: string;

  beforeAll(async () => {
    world = createTestWorld('api-bad-input');
    pipeline = await startPipeline(world, { services: ['ingest'] });
    api = pipeline.api;
    key = (await createTenant(api, world.env.ADMIN_TOKEN!, 'bad-input')).apiKey;
    const created = await call('POST', `${api}/v1/endpoints`, key, { url: 'https://example.com/hook' });
    endpointId = created.json.id;
  });
  afterAll(async () => {
    await pipeline?.stop();
    await world?.cleanup();
  });

  const paths = (res: { json: { errors?: Array<{ path: string }> } }) => (res.json.errors ?? []).map((e) => e.path);

  it.each([
    ['POST', '/v1/endpoints', { url: 'https://example.com/a', description: 'a\u0000b' }, 'description'],
    ['POST', '/v1/endpoints', { url: 'https://example.com/a', metadata: { 'k\u0000': 1 } }, 'metadata.k\\u0000'],
    ['POST', '/v1/endpoints', { url: 'https://example.com/a', headers: { 'x-a': 'v\u0000' } }, 'headers.x-a'],
    ['PUT', '/v1/event-types/order.paid', { schema: { type: 'object', properties: { 'a\u0000': {} } } }, 'schema.properties.a\\u0000'],
    ['POST', '/v1/events', { type: 'a', data: { list: ['ok', 'x\u0000'] } }, 'data.list.1'],
  ] as const)('%s %s with U+0000 → 422 naming %s', async (method, path, body, field) => {
    const res = await call(method, `${api}${path}`, key, body);
    expect(res.status, JSON.stringify(res.json)).toBe(422);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(paths(res)).toEqual([field]);
  });

  it('PATCH /v1/endpoints/{id} with U+0000 → 422, and the endpoint is unchanged', async () => {
    const res = await call('PATCH', `${api}/v1/endpoints/${endpointId}`, key, { description: '\u0000' });
    expect(res.status).toBe(422);
    expect(paths(res)).toEqual(['description']);
    expect((await call('GET', `${api}/v1/endpoints/${endpointId}`, key)).json.description).toBe('');
  });

  it.each([
    ['POST', '/v1/endpoints', { url: 'https://example.com/a', colour: 'blue' }, ['colour']],
    ['PATCH', `/v1/endpoints/:id`, { descripton: 'typo' }, ['descripton']],
    ['POST', '/v1/events', { type: 'a', data: {}, extra: 1, more: 2 }, ['extra', 'more']],
    ['POST', '/v1/events/batch', { events: [{ type: 'a', data: {}, oops: true }] }, ['events.0.oops']],
    ['PUT', '/v1/event-types/order.paid', { description: 'd', jsonSchema: {} }, ['jsonSchema']],
    ['POST', '/v1/tenants', { name: 'n', plan: 'pro' }, ['plan']],
  ] as const)('%s %s with an unknown field → 422 naming it, nothing created', async (method, path, body, fields) => {
    const admin = path === '/v1/tenants';
    const res = await call(method, `${api}${path.replace(':id', endpointId)}`, admin ? world.env.ADMIN_TOKEN : key, body);
    expect(res.status, JSON.stringify(res.json)).toBe(422);
    expect(paths(res)).toEqual(fields);
    expect(res.json.errors[0].message).toMatch(/unknown fields are refused/);
  });

  it('an id with U+0000 in the path is not found (404), never a 500', async () => {
    for (const [method, path] of [['GET', '/v1/endpoints/ep%00x'], ['PATCH', '/v1/endpoints/%00'], ['GET', '/v1/events/evt%00'], ['DELETE', '/v1/endpoints/a%00b']] as const) {
      const res = await call(method, `${api}${path}`, key, method === 'PATCH' ? { description: 'x' } : undefined);
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
  });

  it('a query parameter with U+0000 → 422 naming it', async () => {
    const res = await call('GET', `${api}/v1/events?type=a%00b`, key);
    expect(res.status).toBe(422);
    expect(paths(res)).toEqual(['type']);
  });

  it('JSON nested deeper than 64 levels → 422, however deep', async () => {
    for (const depth of [65, 40_000]) {
      const body = `{"type":"a","data":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`;
      const res = await raw('POST', `${api}/v1/events`, key, body);
      expect(res.status, `depth ${depth}`).toBe(422);
      expect(res.type).toMatch(/^application\/problem\+json/);
      expect(res.json.errors?.[0]?.message).toMatch(/deeper than 64/);
    }
    expect((await raw('POST', `${api}/v1/events`, key, `{"type":"a","data":${'{"a":'.repeat(60)}1${'}'.repeat(60)}}`)).status).toBe(202);
  });
});
