import { loadConfig } from '@hookline/config';
import { createLogger } from '@hookline/telemetry';
import { createTestWorld, Receiver, waitFor, type TestWorld } from '@hookline/testing';
import { Webhook } from 'standardwebhooks';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp as createDispatcher } from '../services/dispatcher/src/app.ts';
import { dispatcherConfigShape } from '../services/dispatcher/src/config.ts';
import { createApp as createIngest } from '../services/ingest/src/app.ts';
import { ingestConfigShape } from '../services/ingest/src/config.ts';
import { createApp as createTracker } from '../services/tracker/src/app.ts';
import { trackerConfigShape } from '../services/tracker/src/config.ts';

const log = createLogger({ service: 'test', level: 'warn' });

async function call(method: 'GET' | 'POST', url: string, token: string | undefined, body?: unknown) {
  const res = await request(url, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.statusCode, headers: res.headers, json: (await res.body.json().catch(() => null)) as Record<string, any> };
}

describe('walking skeleton: HTTP publish → Kafka → dispatcher → receiver → attempts → PostgreSQL', () => {
  let world: TestWorld;
  let receiver: Receiver;
  let apps: Array<{ stop(): Promise<void> }> = [];
  let api: string;

  beforeAll(async () => {
    world = createTestWorld('walking-skeleton');
    receiver = await Receiver.start();
    const ingest = await createIngest(loadConfig(ingestConfigShape, world.env), log);
    const dispatcher = await createDispatcher(loadConfig(dispatcherConfigShape, world.env), log);
    const tracker = await createTracker(loadConfig(trackerConfigShape, world.env), log);
    apps = [ingest, dispatcher, tracker];
    api = ingest.url;
  });

  afterAll(async () => {
    await Promise.all(apps.map((a) => a.stop()));
    await receiver?.close();
    await world?.cleanup();
  });

  it('delivers a published event, signed, and records the attempt', async () => {
    const tenant = await call('POST', `${api}/v1/tenants`, world.env.ADMIN_TOKEN, { name: 'acme' });
    expect(tenant.status).toBe(201);
    const apiKey = tenant.json.apiKey as string;
    expect(apiKey).toMatch(/^hk_/);

    const endpoint = await call('POST', `${api}/v1/endpoints`, apiKey, { url: receiver.url('/hooks/acme') });
    expect(endpoint.status).toBe(201);
    const secret = endpoint.json.secret as string;
    expect(secret).toMatch(/^whsec_/);

    const published = await call('POST', `${api}/v1/events`, apiKey, { type: 'user.created', data: { userId: 42 } });
    expect(published.status).toBe(202);
    const eventId = published.json.id as string;

    const [received] = await receiver.waitForRequests(1);
    expect(received!.path).toBe('/hooks/acme');
    expect(received!.headers['webhook-id']).toBe(eventId);
    expect(received!.headers['user-agent']).toMatch(/^Hookline\//);
    const payload = new Webhook(secret).verify(received!.body, received!.headers as Record<string, string>);
    expect(payload).toMatchObject({ id: eventId, type: 'user.created', data: { userId: 42 } });

    const row = await waitFor(
      async () => (await world.pool.query('SELECT * FROM attempts WHERE event_id = $1', [eventId])).rows[0],
      { description: 'the attempt row' },
    );
    expect(row).toMatchObject({ endpoint_id: endpoint.json.id, outcome: 'succeeded', status: 'succeeded', status_code: 200, attempt: 1 });
    expect(row.request_headers).not.toHaveProperty('webhook-signature');
  });

  it('answers problem documents for bad requests and 401 without a key', async () => {
    expect((await call('POST', `${api}/v1/events`, undefined, { type: 'x', data: {} })).status).toBe(401);
    const noAdmin = await call('POST', `${api}/v1/tenants`, 'wrong-token-wrong-token', { name: 'x' });
    expect(noAdmin.status).toBe(401);
    expect(noAdmin.headers['content-type']).toMatch(/application\/problem\+json/);
    const invalid = await call('POST', `${api}/v1/tenants`, world.env.ADMIN_TOKEN, { name: '' });
    expect(invalid.status).toBe(422);
    expect(invalid.json.errors[0].path).toBe('name');
  });

  it('reports healthy and ready', async () => {
    expect((await call('GET', `${api}/healthz`, undefined)).status).toBe(200);
    const ready = await call('GET', `${api}/readyz`, undefined);
    expect(ready).toMatchObject({ status: 200, json: { checks: { postgres: true, kafka: true } } });
  });
});
