import { createPublicKey, verify as cryptoVerify } from 'node:crypto';
import { sign } from '@hookline/signing';
import { createTestWorld, waitFor, type TestWorld } from '@hookline/testing';
import { createLogger } from '@hookline/telemetry';
import { Webhook } from 'standardwebhooks';
import nacl from 'tweetnacl';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RetentionJob } from '../services/tracker/src/maintenance/retention-job.ts';
import { PgPartitions } from '../services/tracker/src/repositories/pg-partitions.ts';
import { call, createTenant, startPipeline, type Pipeline } from './support/pipeline.ts';

interface Message {
  id: string;
  cursor: string;
  eventId: string;
  eventType: string;
  eventCreatedAt: string;
  createdAt: string;
  headers: Record<string, string>;
  body: string;
}

/**
 * Pull endpoints (issue 22) against the real stack: ingest and tracker in one pipeline, the dispatcher in another
 * (so the test can stop and start it), the shared broker and PostgreSQL. Long polls wake on publish, the cursor
 * commits, messages come in order and at least once (across a dispatcher restart), signed as an HTTP receiver would
 * get them (verified with `standardwebhooks`), as Server-Sent Events too; validation, tenant and application
 * isolation, temporary endpoints' expiry and retention.
 */
describe('pull endpoints', () => {
  let world: TestWorld;
  let api: Pipeline;
  let dispatcher: Pipeline;
  let base: string;
  let tenant: { id: string; apiKey: string };

  beforeAll(async () => {
    world = createTestWorld('pull-endpoints');
    // One events partition: Kafka keeps the publish order of all the test's events (with more partitions it keeps the
    // order of each ordering key's events), and the order a pull endpoint's messages are stored in follows it.
    world.env.TOPIC_PARTITIONS = '1';
    api = await startPipeline(world, { services: ['ingest', 'tracker'] });
    dispatcher = await startPipeline(world, { services: ['dispatcher'] });
    base = api.api;
    tenant = await createTenant(base, world.env.ADMIN_TOKEN!);
  }, 120_000);
  afterAll(async () => {
    await dispatcher?.stop();
    await api?.stop();
    await world?.cleanup();
  });

  const pullEndpoint = async (eventTypes: string[], extra: Record<string, unknown> = {}, key = tenant.apiKey, prefix = '/v1') => {
    const res = await call('POST', `${base}${prefix}/endpoints`, key, { type: 'pull', eventTypes, ...extra });
    expect(res.status, JSON.stringify(res.json)).toBe(201);
    // The dispatcher subscribes it before the test publishes.
    await waitFor(() => dispatcher.dispatcher!.subscribed(tenant.id, eventTypes[0]!).includes(res.json.id), { timeoutMs: 10_000, description: 'the endpoint subscribed' });
    return res.json as { id: string; secret: string; url: string; type: string; expiresAt: string | null };
  };
  const publish = async (type: string, data: Record<string, unknown>) => {
    const res = await call('POST', `${base}/v1/events`, tenant.apiKey, { type, data });
    expect(res.status, JSON.stringify(res.json)).toBe(202);
    return res.json.id as string;
  };
  const read = async (id: string, query = '', key = tenant.apiKey) => {
    const res = await call('GET', `${base}/v1/endpoints/${id}/messages${query}`, key);
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    return res.json as { data: Message[]; cursor: string; done: boolean };
  };
  /**
   * Makes the endpoint's stored messages look stored `minutes` ago: their row's time and the `webhook-timestamp` kept
   * with them (the clock of a read is the real one; the messages get old instead).
   */
  const age = async (id: string, minutes: number) => {
    await world.pool.query(
      `UPDATE pull_messages SET created_at = created_at - make_interval(mins => $2),
         headers = headers || jsonb_build_object('webhook-timestamp', ((headers->>'webhook-timestamp')::bigint - $2 * 60)::text)
       WHERE endpoint_id = $1`,
      [id, minutes],
    );
  };
  /** The read's `webhook-timestamp` is the time of the read (seconds, a little slack for a slow machine). */
  const expectStampedNow = (m: Message) => {
    expect(Math.abs(Number(m.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThanOrEqual(5);
  };
  /** Reads (without committing) until `n` messages wait. */
  const readAll = async (id: string, n: number) => {
    let page = await read(id, '?limit=1000');
    await waitFor(async () => (page = await read(id, '?limit=1000')).data.length >= n, { timeoutMs: 30_000, description: `${n} stored messages` });
    return page;
  };

  it('creates pull endpoints without a url (create, get, list, update) and refuses what does not fit, with problem+json', { timeout: 30_000 }, async () => {
    const ep = await pullEndpoint(['pull.crud']);
    expect(ep).toMatchObject({ type: 'pull', url: `pull://${ep.id}`, expiresAt: null, kafka: null });
    expect(ep.secret).toMatch(/^whsec_/);
    expect((await call('GET', `${base}/v1/endpoints/${ep.id}`, tenant.apiKey)).json).toMatchObject({ type: 'pull', url: `pull://${ep.id}` });
    const listed = await call('GET', `${base}/v1/endpoints?limit=250`, tenant.apiKey);
    expect(listed.json.data.find((e: { id: string }) => e.id === ep.id)).toMatchObject({ type: 'pull' });
    const patched = await call('PATCH', `${base}/v1/endpoints/${ep.id}`, tenant.apiKey, { description: 'pulled', eventTypes: ['pull.crud', 'pull.other'] });
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({ type: 'pull', description: 'pulled', url: `pull://${ep.id}` });

    const http = await call('POST', `${base}/v1/endpoints`, tenant.apiKey, { url: 'http://127.0.0.1:9/hook' });
    const bad: Array<[string, string, unknown, number, string]> = [
      ['POST', '/v1/endpoints', { type: 'pull', url: 'https://example.com/x' }, 422, 'url'],
      ['POST', '/v1/endpoints', { type: 'pull', kafka: { bootstrapServers: ['127.0.0.1:9092'], topic: 't' } }, 422, 'kafka'],
      ['POST', '/v1/endpoints', { url: 'https://example.com/x', expiresInSeconds: 60 }, 422, 'expiresInSeconds'],
      ['POST', '/v1/endpoints', { type: 'pull', expiresInSeconds: 1 }, 422, 'expiresInSeconds'],
      ['POST', '/v1/endpoints', { type: 'push' }, 422, 'type'],
      ['PATCH', `/v1/endpoints/${ep.id}`, { url: 'https://example.com/x' }, 422, 'url'],
      ['PATCH', `/v1/endpoints/${ep.id}`, { expiresInSeconds: 60 }, 422, 'expiresInSeconds'],
      ['GET', `/v1/endpoints/${ep.id}/messages?limit=0`, undefined, 422, 'limit'],
      ['GET', `/v1/endpoints/${ep.id}/messages?limit=1001`, undefined, 422, 'limit'],
      ['GET', `/v1/endpoints/${ep.id}/messages?limit=ten`, undefined, 422, 'limit'],
      ['GET', `/v1/endpoints/${ep.id}/messages?wait=31`, undefined, 422, 'wait'],
      ['GET', `/v1/endpoints/${ep.id}/messages?wait=-1`, undefined, 422, 'wait'],
      ['GET', `/v1/endpoints/${ep.id}/messages?cursor=abc`, undefined, 422, 'cursor'],
      ['GET', `/v1/endpoints/${ep.id}/messages?cursor=1&cursor=2`, undefined, 422, 'cursor'],
      ['GET', `/v1/endpoints/${http.json.id}/messages`, undefined, 409, ''],
      ['GET', '/v1/endpoints/ep_nope/messages', undefined, 404, ''],
    ];
    for (const [method, path, body, status, field] of bad) {
      const res = await call(method as 'GET', `${base}${path}`, tenant.apiKey, body);
      expect(res.status, `${method} ${path} ${JSON.stringify(body)}: ${JSON.stringify(res.json)}`).toBe(status);
      expect(String(res.headers['content-type'])).toContain('application/problem+json');
      if (field) expect(res.json.errors.map((e: { path: string }) => e.path), path).toContain(field);
    }
    const badEventId = await request(`${base}/v1/endpoints/${ep.id}/messages`, { headers: { authorization: `Bearer ${tenant.apiKey}`, accept: 'text/event-stream', 'last-event-id': 'x' } });
    expect(badEventId.statusCode).toBe(422);
    expect(String(badEventId.headers['content-type'])).toContain('application/problem+json');
    await badEventId.body.text();
  });

  it('is in the OpenAPI document: the messages route (cursor, limit, wait), type pull, expiresInSeconds and expiresAt', async () => {
    const doc = (await call('GET', `${base}/openapi.json`)).json;
    for (const path of ['/v1/endpoints/{id}/messages', '/v1/applications/{app}/endpoints/{id}/messages']) {
      const op = doc.paths[path].get;
      expect(op.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['id', 'cursor', 'limit', 'wait']));
      expect(op.parameters.find((p: { name: string }) => p.name === 'wait').schema).toMatchObject({ minimum: 0, maximum: 30 });
      expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['200', '401', '403', '404', '409', '422']));
      const page = op.responses['200'].content['application/json'].schema;
      expect(Object.keys(page.properties)).toEqual(['data', 'cursor', 'done']);
      expect(Object.keys(page.properties.data.items.properties)).toEqual(['id', 'cursor', 'eventId', 'eventType', 'eventCreatedAt', 'createdAt', 'headers', 'body']);
    }
    const create = doc.paths['/v1/endpoints'].post;
    const body = create.requestBody.content['application/json'].schema;
    expect(body.properties.type.enum).toEqual(['http', 'kafka', 'pull']);
    expect(body.properties.expiresInSeconds).toMatchObject({ minimum: 10, maximum: 604_800 });
    expect(create.responses['201'].content['application/json'].schema.properties).toHaveProperty('expiresAt');
  });

  it('answers at once when nothing waits, and a long poll wakes when a message is stored', { timeout: 60_000 }, async () => {
    const ep = await pullEndpoint(['pull.wake']);
    const started = Date.now();
    expect(await read(ep.id)).toEqual({ data: [], cursor: '0', done: true });
    expect(Date.now() - started).toBeLessThan(5_000);

    const pollStarted = Date.now();
    const poll = read(ep.id, '?wait=25');
    const id = await publish('pull.wake', { n: 1 });
    const page = await poll;
    const took = Date.now() - pollStarted;
    expect(page.data.map((m) => m.eventId)).toEqual([id]);
    expect(page).toMatchObject({ cursor: page.data[0]!.cursor, done: true });
    // Woken by the message (publish → fan-out → store), not by the 25 s deadline.
    expect(took).toBeLessThan(20_000);

    // A poll with nothing to read waits out its `wait`, then answers empty at the same cursor.
    const emptyStarted = Date.now();
    const empty = await read(ep.id, `?cursor=${page.cursor}&wait=1`);
    expect(empty).toEqual({ data: [], cursor: page.cursor, done: true });
    expect(Date.now() - emptyStarted).toBeGreaterThanOrEqual(900);
  });

  it('delivers in order, at least once: a read without a cursor returns the same messages, a cursor commits them; signed like an HTTP delivery', { timeout: 60_000 }, async () => {
    const ep = await pullEndpoint(['pull.order']);
    const ids: string[] = [];
    for (let n = 0; n < 20; n++) ids.push(await publish('pull.order', { n }));
    const all = await readAll(ep.id, 20);
    expect(all.data.map((m) => m.eventId)).toEqual(ids);
    expect(all.done).toBe(true);
    const cursors = all.data.map((m) => Number(m.cursor));
    expect(cursors).toEqual([...cursors].sort((a, b) => a - b));

    for (const [i, m] of all.data.entries()) {
      expect(m).toMatchObject({ id: ids[i], eventType: 'pull.order' });
      expect(m.headers['webhook-id']).toBe(ids[i]);
      expect(m.headers['webhook-timestamp']).toMatch(/^\d+$/);
      expect(m.headers['webhook-signature']).toMatch(/^v1,/);
      expect(m.headers['content-type']).toBe('application/json');
      // Verified by a Standard Webhooks implementation nobody here wrote, with the endpoint's secret.
      expect(new Webhook(ep.secret).verify(m.body, m.headers)).toMatchObject({ id: ids[i], type: 'pull.order', data: { n: i } });
    }

    // Pages of 5: the same page again until a cursor commits it.
    const first = await read(ep.id, '?limit=5');
    expect(first.data.map((m) => m.eventId)).toEqual(ids.slice(0, 5));
    expect(first.done).toBe(false);
    expect((await read(ep.id, '?limit=5')).data.map((m) => m.eventId)).toEqual(ids.slice(0, 5));
    const second = await read(ep.id, `?limit=5&cursor=${first.cursor}`);
    expect(second.data.map((m) => m.eventId)).toEqual(ids.slice(5, 10));
    // Without a cursor the read starts after the last commit (the first page), not from the start.
    expect((await read(ep.id, '?limit=5')).data.map((m) => m.eventId)).toEqual(ids.slice(5, 10));
    const rest = await read(ep.id, `?limit=100&cursor=${second.cursor}`);
    expect(rest.data.map((m) => m.eventId)).toEqual(ids.slice(10));
    const end = await read(ep.id, `?cursor=${rest.cursor}`);
    expect(end).toEqual({ data: [], cursor: rest.cursor, done: true });
    // A commit never goes back, nor past what is stored.
    expect((await read(ep.id, '?cursor=1')).cursor).toBe(rest.cursor);
    expect((await read(ep.id, '?cursor=999999999')).cursor).toBe(rest.cursor);
    const later = await publish('pull.order', { n: 20 });
    expect((await readAll(ep.id, 1)).data.map((m) => m.eventId)).toEqual([later]);

    // Recorded as any delivery: one succeeded attempt per message.
    await waitFor(async () => (await world.pool.query('SELECT 1 FROM attempts WHERE endpoint_id = $1', [ep.id])).rowCount === 21, { timeoutMs: 20_000, description: '21 attempts' });
    const { rows } = await world.pool.query<{ outcome: string; status: string; status_code: number | null }>('SELECT DISTINCT outcome, status, status_code FROM attempts WHERE endpoint_id = $1', [ep.id]);
    expect(rows).toEqual([{ outcome: 'succeeded', status: 'succeeded', status_code: null }]);
  });

  it("keeps each ordering key's publish order with the events spread over several partitions", { timeout: 90_000 }, async () => {
    // A world of its own with three events partitions (this file's runs on one).
    const spread = createTestWorld('pull-endpoints-keys');
    const stack = await startPipeline(spread, { services: ['ingest', 'dispatcher'] });
    try {
      const owner = await createTenant(stack.api, spread.env.ADMIN_TOKEN!);
      const ep = await call('POST', `${stack.api}/v1/endpoints`, owner.apiKey, { type: 'pull', eventTypes: ['pull.keyed'] });
      expect(ep.status, JSON.stringify(ep.json)).toBe(201);
      await waitFor(() => stack.dispatcher!.subscribed(owner.id, 'pull.keyed').includes(ep.json.id), { timeoutMs: 10_000, description: 'the endpoint subscribed' });
      const keys = ['k-a', 'k-b', 'k-c', 'k-d', 'k-e', 'k-f'];
      const events = Array.from({ length: 240 }, (_, n) => ({ type: 'pull.keyed', orderingKey: keys[n % keys.length], data: { key: keys[n % keys.length], n } }));
      for (let i = 0; i < events.length; i += 60) {
        const res = await call('POST', `${stack.api}/v1/events/batch`, owner.apiKey, { events: events.slice(i, i + 60) });
        expect(res.status, JSON.stringify(res.json)).toBe(202);
      }
      const path = `${stack.api}/v1/endpoints/${ep.json.id}/messages?limit=1000`;
      let page: Message[] = [];
      await waitFor(async () => (page = (await call('GET', path, owner.apiKey)).json.data).length >= events.length, { timeoutMs: 30_000, description: 'every keyed message stored' });
      const seen = page.map((m) => (JSON.parse(m.body) as { data: { key: string; n: number } }).data);
      for (const key of keys) {
        const ns = seen.filter((d) => d.key === key).map((d) => d.n);
        expect(ns, key).toEqual(events.filter((e) => e.orderingKey === key).map((e) => e.data.n));
      }
    } finally {
      await stack.stop();
      await spread.cleanup();
    }
  });

  it('signs an ed25519 pull endpoint\'s messages v1a, verifiable with its public key (tweetnacl and node:crypto)', { timeout: 30_000 }, async () => {
    const res = await call('POST', `${base}/v1/endpoints`, tenant.apiKey, { type: 'pull', eventTypes: ['pull.ed25519'], signatureScheme: 'ed25519' });
    expect(res.status, JSON.stringify(res.json)).toBe(201);
    const publicKey = res.json.publicKey as string;
    expect(publicKey).toMatch(/^whpk_/);
    await waitFor(() => dispatcher.dispatcher!.subscribed(tenant.id, 'pull.ed25519').includes(res.json.id), { timeoutMs: 10_000, description: 'the endpoint subscribed' });
    const id = await publish('pull.ed25519', { n: 1 });
    await readAll(res.json.id, 1);
    // Read 10 minutes after it was stored: signed (v1a) at the read.
    await age(res.json.id, 10);
    const m = (await read(res.json.id)).data[0]!;
    expect(m.id).toBe(id);
    expectStampedNow(m);
    expect(Date.now() - Date.parse(m.createdAt)).toBeGreaterThan(9 * 60_000);
    const raw = Buffer.from(publicKey.slice('whpk_'.length), 'base64');
    const jwk = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
    const content = Buffer.from(`${m.headers['webhook-id']}.${m.headers['webhook-timestamp']}.${m.body}`);
    const parts = m.headers['webhook-signature']!.split(' ');
    expect(parts.every((p) => p.startsWith('v1a,'))).toBe(true);
    const sig = Buffer.from(parts[0]!.slice(4), 'base64');
    expect(nacl.sign.detached.verify(content, sig, raw)).toBe(true);
    expect(cryptoVerify(null, content, jwk, sig)).toBe(true);
  });

  it('signs each read at the time of the read: an old message verifies with the default 5-minute tolerance (JSON and SSE, both route trees)', { timeout: 60_000 }, async () => {
    const ep = await pullEndpoint(['pull.fresh'], { headers: { 'X-Team': 'billing' } });
    const id = await publish('pull.fresh', { n: 1 });
    const atStore = (await readAll(ep.id, 1)).data[0]!;
    expect(new Webhook(ep.secret).verify(atStore.body, atStore.headers)).toMatchObject({ id });
    // What is stored: the request without a signature (every read signs anew), the other headers as sent.
    const { rows: [row] } = await world.pool.query<{ headers: Record<string, string>; body: string }>('SELECT headers, body FROM pull_messages WHERE endpoint_id = $1', [ep.id]);
    expect(row!.headers['webhook-signature']).toBeUndefined();
    expect(row!.headers).toMatchObject({ 'webhook-id': id, 'x-team': 'billing', 'content-type': 'application/json' });
    expect(row!.headers['user-agent']).toMatch(/^Hookline\//);
    expect(row!.body).toBe(atStore.body);

    // Ten minutes later (the row aged, with a signature of its storing time as rows stored before signing at read
    // carry): the stored request alone would be refused, the read is not.
    await age(ep.id, 10);
    const { rows: [aged] } = await world.pool.query<{ headers: Record<string, string> }>('SELECT headers FROM pull_messages WHERE endpoint_id = $1', [ep.id]);
    const storedAt = Number(aged!.headers['webhook-timestamp']);
    const staleSignature = sign([ep.secret], { id, timestamp: storedAt, body: atStore.body });
    await world.pool.query("UPDATE pull_messages SET headers = headers || jsonb_build_object('webhook-signature', $2::text) WHERE endpoint_id = $1", [ep.id, staleSignature]);
    expect(() => new Webhook(ep.secret).verify(atStore.body, { ...aged!.headers, 'webhook-signature': staleSignature })).toThrow(/timestamp/i);

    const checkFresh = (m: Message) => {
      expect(m.id).toBe(id);
      expect(m.body).toBe(atStore.body);
      expect(Date.now() - Date.parse(m.createdAt)).toBeGreaterThan(9 * 60_000);
      expectStampedNow(m);
      expect(m.headers['webhook-signature']).not.toContain(staleSignature.slice(3));
      // Everything else as stored: webhook-id, content-type, user-agent, traceparent, the endpoint's own header.
      const { 'webhook-timestamp': _t, 'webhook-signature': _s, ...rest } = m.headers;
      const { 'webhook-timestamp': _st, 'webhook-signature': _ss, ...storedRest } = aged!.headers;
      expect(rest).toEqual(storedRest);
      expect(new Webhook(ep.secret).verify(m.body, m.headers)).toMatchObject({ id, type: 'pull.fresh', data: { n: 1 } });
    };
    const appPath = `${base}/v1/applications/${(await call('GET', `${base}/v1/endpoints/${ep.id}`, tenant.apiKey)).json.applicationId}/endpoints/${ep.id}/messages`;
    checkFresh((await read(ep.id)).data[0]!);
    checkFresh((await call('GET', appPath, tenant.apiKey)).json.data[0] as Message);
    for (const url of [`${base}/v1/endpoints/${ep.id}/messages`, appPath]) {
      const controller = new AbortController();
      const res = await request(url, { headers: { authorization: `Bearer ${tenant.apiKey}`, accept: 'text/event-stream' }, signal: controller.signal });
      expect(res.statusCode).toBe(200);
      let text = '';
      try {
        for await (const chunk of res.body) {
          text += String(chunk);
          if (/^data: .*\n\n/m.test(text)) break;
        }
      } finally {
        controller.abort();
      }
      checkFresh(JSON.parse(/^data: (.*)$/m.exec(text)![1]!) as Message);
    }
  });

  it('signs a read with every active secret during a rotation\'s overlap, with the new one alone after it', { timeout: 60_000 }, async () => {
    const ep = await pullEndpoint(['pull.rotate']);
    const id = await publish('pull.rotate', { n: 1 });
    await readAll(ep.id, 1);
    await age(ep.id, 10);
    const rotated = await call('POST', `${base}/v1/endpoints/${ep.id}/secret/rotate`, tenant.apiKey, {});
    expect(rotated.status, JSON.stringify(rotated.json)).toBe(200);
    const newer = rotated.json.secret as string;
    expect(newer).not.toBe(ep.secret);

    // During the overlap: both secrets sign the read, receivers holding either verify.
    const during = (await read(ep.id)).data[0]!;
    expectStampedNow(during);
    expect(during.headers['webhook-signature']!.split(' ')).toHaveLength(2);
    for (const secret of [newer, ep.secret]) expect(new Webhook(secret).verify(during.body, during.headers)).toMatchObject({ id });

    // The overlap over (the old secret's grace ended, set in the past here): the new secret alone signs.
    await world.pool.query("UPDATE endpoints SET secrets = jsonb_set(secrets, '{1,expiresAt}', to_jsonb($2::text)) WHERE id = $1", [ep.id, new Date(Date.now() - 1_000).toISOString()]);
    const after = (await read(ep.id)).data[0]!;
    expect(after.headers['webhook-signature']!.split(' ')).toHaveLength(1);
    expect(new Webhook(newer).verify(after.body, after.headers)).toMatchObject({ id });
    expect(() => new Webhook(ep.secret).verify(after.body, after.headers)).toThrow();
  });

  it('keeps every message across a dispatcher restart (published while it is down, stored once it is back)', { timeout: 120_000 }, async () => {
    const ep = await pullEndpoint(['pull.restart']);
    const before = await publish('pull.restart', { n: 0 });
    await readAll(ep.id, 1);
    await dispatcher.stop();
    const during: string[] = [];
    for (let n = 1; n <= 5; n++) during.push(await publish('pull.restart', { n }));
    dispatcher = await startPipeline(world, { services: ['dispatcher'] });
    const all = await readAll(ep.id, 6);
    expect(all.data.map((m) => m.eventId)).toEqual([before, ...during]);
    expect(new Set(all.data.map((m) => m.id)).size).toBe(6);

    // Stopped again while a batch of 300 is being stored: none is lost, none is stored twice, the order holds.
    await read(ep.id, `?cursor=${all.cursor}`);
    const batch = await call('POST', `${base}/v1/events/batch`, tenant.apiKey, { events: Array.from({ length: 300 }, (_, n) => ({ type: 'pull.restart', data: { n } })) });
    expect(batch.status, JSON.stringify(batch.json)).toBe(202);
    const ids = (batch.json.data as Array<{ id: string }>).map((e) => e.id);
    await waitFor(async () => (await read(ep.id, '?limit=1')).data.length > 0, { timeoutMs: 20_000, description: 'the batch being stored' });
    await dispatcher.stop();
    dispatcher = await startPipeline(world, { services: ['dispatcher'] });
    const stored = await readAll(ep.id, 300);
    expect(stored.data.map((m) => m.eventId)).toEqual(ids);
  });

  it('answers waiting long polls and ends open streams when ingest stops', { timeout: 60_000 }, async () => {
    const ep = await pullEndpoint(['pull.stop']);
    const other = await startPipeline(world, { services: ['ingest'] });
    let stopped = false;
    try {
      const started = Date.now();
      const poll = call('GET', `${other.api}/v1/endpoints/${ep.id}/messages?wait=25`, tenant.apiKey);
      const stream = await request(`${other.api}/v1/endpoints/${ep.id}/messages`, { headers: { authorization: `Bearer ${tenant.apiKey}`, accept: 'text/event-stream' } });
      expect(stream.statusCode).toBe(200);
      const streamed = stream.body.text();
      await other.stop();
      stopped = true;
      expect(await poll).toMatchObject({ status: 200, json: { data: [], done: true } });
      expect(await streamed).toContain('retry: 2000');
      expect(Date.now() - started).toBeLessThan(15_000);
    } finally {
      if (!stopped) await other.stop();
    }
  });

  it('offers a replayed event again once the earlier copy was committed (same webhook-id, re-signed, a new cursor)', { timeout: 60_000 }, async () => {
    const ep = await pullEndpoint(['pull.replay']);
    const id = await publish('pull.replay', { n: 1 });
    const first = (await readAll(ep.id, 1)).data[0]!;
    // Replayed while the first copy waits uncommitted: nothing new (the consumer gets it anyway).
    await waitFor(async () => (await world.pool.query("SELECT 1 FROM deliveries WHERE endpoint_id = $1 AND status = 'succeeded'", [ep.id])).rowCount === 1, { timeoutMs: 20_000, description: 'the delivery recorded' });
    const early = await call('POST', `${base}/v1/events/${id}/replay`, tenant.apiKey, { endpointId: ep.id });
    expect(early.status, JSON.stringify(early.json)).toBe(202);
    await waitFor(async () => (await call('GET', `${base}/v1/jobs/${early.json.job.id}`, tenant.apiKey)).json.status === 'completed', { timeoutMs: 20_000, description: 'the replay job done' });
    await waitFor(async () => (await world.pool.query('SELECT 1 FROM attempts WHERE endpoint_id = $1', [ep.id])).rowCount === 2, { timeoutMs: 20_000, description: 'the replay attempted' });
    expect((await read(ep.id)).data.map((m) => m.cursor)).toEqual([first.cursor]);

    // Committed, then replayed: offered again after the commit, re-signed with the same webhook-id.
    expect((await read(ep.id, `?cursor=${first.cursor}`)).data).toEqual([]);
    await waitFor(async () => (await world.pool.query("SELECT 1 FROM deliveries WHERE endpoint_id = $1 AND status = 'succeeded'", [ep.id])).rowCount === 1, { timeoutMs: 20_000, description: 'the replayed delivery recorded' });
    const late = await call('POST', `${base}/v1/events/${id}/replay`, tenant.apiKey, { endpointId: ep.id });
    expect(late.status, JSON.stringify(late.json)).toBe(202);
    const again = (await readAll(ep.id, 1)).data;
    expect(again.map((m) => m.id)).toEqual([id]);
    expect(Number(again[0]!.cursor)).toBeGreaterThan(Number(first.cursor));
    expect(new Webhook(ep.secret).verify(again[0]!.body, again[0]!.headers)).toMatchObject({ id, data: { n: 1 } });
  });

  it('streams the messages as Server-Sent Events (id: = cursor) and resumes after Last-Event-ID', { timeout: 60_000 }, async () => {
    const ep = await pullEndpoint(['pull.sse']);
    const first = await publish('pull.sse', { n: 1 });
    await readAll(ep.id, 1);

    const open = async (lastEventId?: string) => {
      const controller = new AbortController();
      const res = await request(`${base}/v1/endpoints/${ep.id}/messages`, {
        headers: { authorization: `Bearer ${tenant.apiKey}`, accept: 'text/event-stream', ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
        signal: controller.signal,
      });
      expect(res.statusCode).toBe(200);
      expect(String(res.headers['content-type'])).toContain('text/event-stream');
      const events: Array<{ id: string; data: Message }> = [];
      let text = '';
      const reading = (async () => {
        try {
          for await (const chunk of res.body) {
            text += String(chunk);
            let cut: number;
            while ((cut = text.indexOf('\n\n')) >= 0) {
              const block = text.slice(0, cut);
              text = text.slice(cut + 2);
              const id = /^id: (.*)$/m.exec(block)?.[1];
              const data = /^data: (.*)$/m.exec(block)?.[1];
              if (id && data) events.push({ id, data: JSON.parse(data) as Message });
            }
          }
        } catch {
          // aborted
        }
      })();
      return { events, close: async () => { controller.abort(); await reading; } };
    };

    const stream = await open();
    await waitFor(() => stream.events.length === 1, { timeoutMs: 10_000, description: 'the waiting message' });
    expect(stream.events[0]!.data.eventId).toBe(first);
    expect(stream.events[0]!.id).toBe(stream.events[0]!.data.cursor);
    const second = await publish('pull.sse', { n: 2 });
    await waitFor(() => stream.events.length === 2, { timeoutMs: 20_000, description: 'the new message, streamed as it is stored' });
    expect(stream.events[1]!.data.eventId).toBe(second);
    expect(new Webhook(ep.secret).verify(stream.events[1]!.data.body, stream.events[1]!.data.headers)).toMatchObject({ id: second });
    await stream.close();

    // Reconnecting with Last-Event-ID commits up to it and resumes after it.
    const third = await publish('pull.sse', { n: 3 });
    const resumed = await open(stream.events[0]!.id);
    await waitFor(() => resumed.events.length === 2, { timeoutMs: 20_000, description: 'the messages after Last-Event-ID' });
    expect(resumed.events.map((e) => e.data.eventId)).toEqual([second, third]);
    await resumed.close();
    expect((await read(ep.id)).data.map((m) => m.eventId)).toEqual([second, third]);
  });

  it("answers another tenant's or application's endpoint 404; a read-only portal session may read but not commit", { timeout: 60_000 }, async () => {
    const other = await createTenant(base, world.env.ADMIN_TOKEN!, 'other');
    const app = await call('POST', `${base}/v1/applications`, tenant.apiKey, { name: 'Pull customer', uid: 'pull-customer' });
    expect(app.status, JSON.stringify(app.json)).toBe(201);
    const ep = await pullEndpoint(['pull.portal'], {}, tenant.apiKey, '/v1/applications/pull-customer');
    const id = await publish('pull.portal', { n: 1 });
    // Published to the default application: the customer's endpoint gets it only when published to its application.
    const pub = await call('POST', `${base}/v1/applications/pull-customer/events`, tenant.apiKey, { type: 'pull.portal', data: { n: 2 } });
    expect(pub.status, JSON.stringify(pub.json)).toBe(202);
    const path = `${base}/v1/applications/pull-customer/endpoints/${ep.id}/messages`;
    await waitFor(async () => (await call('GET', path, tenant.apiKey)).json.data?.length === 1, { timeoutMs: 20_000, description: 'the application\'s message' });
    expect((await call('GET', path, tenant.apiKey)).json.data[0].eventId).toBe(pub.json.id);
    expect(id).not.toBe(pub.json.id);

    expect((await call('GET', path, other.apiKey)).status).toBe(404);
    expect((await call('GET', `${base}/v1/endpoints/${ep.id}/messages`, other.apiKey)).status).toBe(404);
    // Under the default application's routes, another application's endpoint does not exist either.
    expect((await call('GET', `${base}/v1/endpoints/${ep.id}/messages`, tenant.apiKey)).status).toBe(404);

    const session = await call('POST', `${base}/v1/applications/pull-customer/portal-sessions`, tenant.apiKey, {});
    const ro = await call('POST', `${base}/v1/applications/pull-customer/portal-sessions`, tenant.apiKey, { readOnly: true });
    const page = await call('GET', path, session.json.token);
    expect(page.status).toBe(200);
    expect(page.json.data).toHaveLength(1);
    const peek = await call('GET', path, ro.json.token);
    expect(peek.status).toBe(200);
    expect(peek.json.data).toHaveLength(1);
    const refused = await call('GET', `${path}?cursor=${page.json.cursor}`, ro.json.token);
    expect(refused.status).toBe(403);
    expect(String(refused.headers['content-type'])).toContain('application/problem+json');
    expect((await call('GET', `${path}?cursor=${page.json.cursor}`, session.json.token)).json.data).toEqual([]);
    // Another application's portal session: 404.
    const otherApp = await call('POST', `${base}/v1/applications`, tenant.apiKey, { name: 'Else', uid: 'pull-else' });
    const elsewhere = await call('POST', `${base}/v1/applications/${otherApp.json.id}/portal-sessions`, tenant.apiKey, {});
    expect((await call('GET', path, elsewhere.json.token)).status).toBe(404);
  });

  it('renews a temporary endpoint on each read and deletes it once expired; retention deletes old messages', { timeout: 60_000 }, async () => {
    const ep = await pullEndpoint(['pull.temp'], { expiresInSeconds: 60 });
    expect(Date.parse(ep.expiresAt!) - Date.now()).toBeGreaterThan(50_000);
    // Nearly expired: a read renews it by expiresInSeconds.
    await world.pool.query("UPDATE endpoints SET expires_at = now() + interval '2 seconds' WHERE id = $1", [ep.id]);
    await read(ep.id);
    const renewed = (await call('GET', `${base}/v1/endpoints/${ep.id}`, tenant.apiKey)).json;
    expect(Date.parse(renewed.expiresAt) - Date.now()).toBeGreaterThan(50_000);

    await publish('pull.temp', { n: 1 });
    await readAll(ep.id, 1);
    // Retention: the tracker's job deletes pull messages older than RETENTION_DAYS (its clock 31 days ahead).
    const job = new RetentionJob(new PgPartitions(world.pool), { retentionDays: 30, daysAhead: 0, batchRows: 100, maxBatchesPerRun: 10, rollupRetentionDays: 2 },
      createLogger({ service: 'test', level: 'silent' }), () => Date.now() + 31 * 86_400_000);
    expect((await job.runOnce()).deleted.pull_messages).toBeGreaterThanOrEqual(1);
    expect((await read(ep.id)).data).toEqual([]);

    // The consumer stopped reading: past its expiry, ingest deletes it (and its messages).
    await world.pool.query("UPDATE endpoints SET expires_at = now() - interval '1 second' WHERE id = $1", [ep.id]);
    await waitFor(async () => (await call('GET', `${base}/v1/endpoints/${ep.id}`, tenant.apiKey)).status === 404, { timeoutMs: 20_000, description: 'the expired endpoint deleted' });
    expect((await world.pool.query('SELECT 1 FROM pull_messages WHERE endpoint_id = $1', [ep.id])).rowCount).toBe(0);
  });
});
