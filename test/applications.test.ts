import { encodeRecord, eventRecord } from '@hookline/contracts';
import { ACKS_ALL, createProducer } from '@hookline/kafka';
import { createTestWorld, Receiver, waitFor, type TestWorld } from '@hookline/testing';
import { Webhook } from 'standardwebhooks';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTenant, startPipeline, type Pipeline } from './support/pipeline.ts';

const APP_RATE = 3;

describe('applications: each customer has its own endpoints, event log, rate limit and portal sessions', () => {
  let world: TestWorld;
  let pipeline: Pipeline;
  let receiver: Receiver;
  let api: string;
  let tenant: { id: string; apiKey: string };
  let other: { id: string; apiKey: string };
  let acme: { id: string; uid: string };
  let globex: { id: string; uid: string };
  let acmeEndpoint: { id: string; secret: string };
  let globexEndpoint: string;

  beforeAll(async () => {
    world = createTestWorld('applications');
    receiver = await Receiver.start();
    pipeline = await startPipeline(world, { env: { RETRY_SCHEDULE: '100ms' } });
    api = pipeline.api;
    tenant = await createTenant(api, world.env.ADMIN_TOKEN!, 'sender');
    other = await createTenant(api, world.env.ADMIN_TOKEN!, 'someone else');
  });
  afterAll(async () => {
    await pipeline?.stop();
    await receiver?.close();
    await world?.cleanup();
  });

  it('creates, lists, gets (by id or uid), patches and refuses a taken uid', async () => {
    const created = await call('POST', `${api}/v1/applications`, tenant.apiKey, { name: 'Acme', uid: 'cust-acme', metadata: { plan: 'pro' } });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ uid: 'cust-acme', name: 'Acme', metadata: { plan: 'pro' }, rateLimitPerSecond: null, default: false });
    expect(created.json.id).toMatch(/^app_/);
    acme = { id: created.json.id, uid: 'cust-acme' };
    const g = await call('POST', `${api}/v1/applications`, tenant.apiKey, { name: 'Globex', uid: 'cust-globex', rateLimitPerSecond: APP_RATE });
    globex = { id: g.json.id, uid: 'cust-globex' };

    expect((await call('POST', `${api}/v1/applications`, tenant.apiKey, { name: 'dup', uid: 'cust-acme' })).status).toBe(409);
    expect((await call('GET', `${api}/v1/applications/cust-acme`, tenant.apiKey)).json.id).toBe(acme.id);
    expect((await call('GET', `${api}/v1/applications/${acme.id}`, tenant.apiKey)).json.uid).toBe('cust-acme');
    const patched = await call('PATCH', `${api}/v1/applications/cust-acme`, tenant.apiKey, { name: 'Acme Inc.' });
    expect(patched.status).toBe(200);
    expect(patched.json.name).toBe('Acme Inc.');

    const page1 = await call('GET', `${api}/v1/applications?limit=1`, tenant.apiKey);
    expect(page1.json.data).toHaveLength(1);
    const page2 = await call('GET', `${api}/v1/applications?limit=1&cursor=${page1.json.nextCursor}`, tenant.apiKey);
    expect(page2.json.data).toHaveLength(1);
    expect([page1.json.data[0].id, page2.json.data[0].id].sort()).toEqual([acme.id, globex.id].sort());
    // Another tenant sees none of them, and cannot reach them by id or uid.
    expect((await call('GET', `${api}/v1/applications`, other.apiKey)).json.data).toEqual([]);
    expect((await call('GET', `${api}/v1/applications/cust-acme`, other.apiKey)).status).toBe(404);
    expect((await call('GET', `${api}/v1/applications/${acme.id}`, other.apiKey)).status).toBe(404);
    // Bad input is a problem document naming the field.
    const bad = await call('POST', `${api}/v1/applications`, tenant.apiKey, { name: '', uid: 'has space' });
    expect(bad.status).toBe(422);
    expect(bad.json.errors.map((e: { path: string }) => e.path).sort()).toEqual(['name', 'uid']);
  });

  it("publishes to an application's endpoints only; tenant-level routes act on the default application", async () => {
    acmeEndpoint = (await call('POST', `${api}/v1/applications/cust-acme/endpoints`, tenant.apiKey, { url: receiver.url('/acme') })).json;
    expect(acmeEndpoint.id).toMatch(/^ep_/);
    globexEndpoint = (await call('POST', `${api}/v1/applications/${globex.id}/endpoints`, tenant.apiKey, { url: receiver.url('/globex') })).json.id;
    const legacy = (await call('POST', `${api}/v1/endpoints`, tenant.apiKey, { url: receiver.url('/default') })).json;
    expect(legacy.applicationId).not.toBe(acme.id);

    // The application's routes see its endpoints only; the tenant-level list shows the default application's.
    const acmeList = (await call('GET', `${api}/v1/applications/cust-acme/endpoints`, tenant.apiKey)).json.data.map((e: { id: string }) => e.id);
    expect(acmeList).toEqual([acmeEndpoint.id]);
    expect((await call('GET', `${api}/v1/endpoints`, tenant.apiKey)).json.data.map((e: { id: string }) => e.id)).toEqual([legacy.id]);
    expect((await call('GET', `${api}/v1/applications/cust-acme/endpoints/${globexEndpoint}`, tenant.apiKey)).status).toBe(404);
    expect((await call('GET', `${api}/v1/endpoints/${acmeEndpoint.id}`, tenant.apiKey)).status).toBe(404);
    const apps = (await call('GET', `${api}/v1/applications`, tenant.apiKey)).json.data as Array<{ id: string; default: boolean; endpoints: number }>;
    const defaultApp = apps.find((a) => a.default)!;
    expect(defaultApp.id).toBe(legacy.applicationId);
    expect(apps.find((a) => a.id === acme.id)!.endpoints).toBe(1);

    const sent = await call('POST', `${api}/v1/applications/cust-acme/events`, tenant.apiKey, { type: 'invoice.paid', data: { n: 1 } });
    expect(sent.status).toBe(202);
    const batch = await call('POST', `${api}/v1/applications/${globex.id}/events/batch`, tenant.apiKey, { events: [{ type: 'invoice.paid', data: { n: 2 } }] });
    expect(batch.status).toBe(202);
    const plain = await call('POST', `${api}/v1/events`, tenant.apiKey, { type: 'invoice.paid', data: { n: 3 } });
    await receiver.waitForRequests(3);
    const byPath = (path: string) => receiver.requests.filter((r) => r.path === path).map((r) => r.headers['webhook-id']);
    expect(byPath('/acme')).toEqual([sent.json.id]);
    expect(byPath('/globex')).toEqual([batch.json.data[0].id]);
    expect(byPath('/default')).toEqual([plain.json.id]);
    const acmeReq = receiver.requests.find((r) => r.path === '/acme')!;
    expect(new Webhook(acmeEndpoint.secret).verify(acmeReq.body, acmeReq.headers as Record<string, string>)).toMatchObject({ data: { n: 1 } });

    // History: the application's event log, and the tenant's across applications narrowed by ?application=.
    await waitFor(async () => (await call('GET', `${api}/v1/applications/cust-acme/events/${sent.json.id}`, tenant.apiKey)).json?.deliveries?.[0]?.status === 'succeeded', {
      timeoutMs: 20_000,
      description: "acme's delivery recorded as succeeded",
    });
    const acmeEvents = (await call('GET', `${api}/v1/applications/cust-acme/events`, tenant.apiKey)).json.data;
    expect(acmeEvents.map((e: { id: string }) => e.id)).toEqual([sent.json.id]);
    expect(acmeEvents[0].applicationId).toBe(acme.id);
    await waitFor(async () => (await call('GET', `${api}/v1/events?application=cust-globex`, tenant.apiKey)).json.data.length === 1, { timeoutMs: 20_000, description: "globex's event recorded" });
    expect((await call('GET', `${api}/v1/events?application=${acme.id}&status=succeeded`, tenant.apiKey)).json.data.map((e: { id: string }) => e.id)).toEqual([sent.json.id]);
    expect((await call('GET', `${api}/v1/events?application=${acme.id}&status=dead`, tenant.apiKey)).json.data).toEqual([]);
    expect((await call('GET', `${api}/v1/events?endpointId=${globexEndpoint}`, tenant.apiKey)).json.data.map((e: { id: string }) => e.id)).toEqual([batch.json.data[0].id]);
    expect((await call('GET', `${api}/v1/applications/cust-acme/events/${batch.json.data[0].id}`, tenant.apiKey)).status).toBe(404);
    const attempts = (await call('GET', `${api}/v1/applications/cust-acme/events/${sent.json.id}/attempts`, tenant.apiKey)).json.data;
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ endpointId: acmeEndpoint.id, outcome: 'succeeded', statusCode: 200 });
    // The record carries the application.
    const rows = await world.pool.query('SELECT application_id FROM attempts WHERE event_id = $1', [sent.json.id]);
    expect(rows.rows.map((r) => r.application_id)).toEqual([acme.id]);
  });

  it('routes a Kafka producer’s envelope by application id or uid; without one, to the default application', async () => {
    const producer = createProducer(world.kafka);
    await producer.connect();
    try {
      const before = receiver.requests.length;
      await producer.send({
        topic: world.topics.events,
        acks: ACKS_ALL,
        messages: [
          { value: encodeRecord(eventRecord, { tenantId: tenant.id, application: 'cust-globex', type: 'kafka.one', data: { via: 'uid' }, id: 'kafka-evt-1' }) },
          { value: encodeRecord(eventRecord, { tenantId: tenant.id, application: acme.id, type: 'kafka.two', data: { via: 'id' }, id: 'kafka-evt-2' }) },
          { value: encodeRecord(eventRecord, { tenantId: tenant.id, type: 'kafka.three', data: { via: 'none' }, id: 'kafka-evt-3' }) },
          { value: encodeRecord(eventRecord, { tenantId: tenant.id, application: 'no-such-customer', type: 'kafka.four', data: {}, id: 'kafka-evt-4' }) },
        ],
      });
      await receiver.waitForRequests(before + 3);
      const got = (id: string) => receiver.requests.filter((r) => r.headers['webhook-id'] === id).map((r) => r.path);
      expect(got('kafka-evt-1')).toEqual(['/globex']);
      expect(got('kafka-evt-2')).toEqual(['/acme']);
      expect(got('kafka-evt-3')).toEqual(['/default']);
      // The event naming no application of the tenant is recorded with no delivery, not sent anywhere.
      await waitFor(async () => (await call('GET', `${api}/v1/events/kafka-evt-4`, tenant.apiKey)).status === 200, { timeoutMs: 20_000, description: 'unroutable event recorded' });
      expect(got('kafka-evt-4')).toEqual([]);
      await waitFor(async () => (await call('GET', `${api}/v1/events/kafka-evt-1`, tenant.apiKey)).json?.applicationId === globex.id, { timeoutMs: 20_000, description: 'uid resolved on the record' });
    } finally {
      await producer.disconnect();
    }
  });

  it("enforces the application's publish rate limit, apart from the others", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < APP_RATE + 2; i++) statuses.push((await call('POST', `${api}/v1/applications/cust-globex/events`, tenant.apiKey, { type: 'burst', data: { i } })).status);
    expect(statuses.filter((s) => s === 202).length).toBeLessThanOrEqual(APP_RATE);
    expect(statuses).toContain(429);
    expect((await call('POST', `${api}/v1/applications/cust-acme/events`, tenant.apiKey, { type: 'burst', data: {} })).status).toBe(202);
  });

  it('portal sessions: a token sees its own application only, read-only sessions cannot change, revoked and expired ones stop', async () => {
    const created = await call('POST', `${api}/v1/applications/cust-acme/portal-sessions`, tenant.apiKey, { theme: { primaryColor: '#0f766e', name: 'Sender' } });
    expect(created.status).toBe(201);
    const { token, url, id, expiresAt } = created.json;
    expect(token).toMatch(/^hlp_/);
    expect(url).toBe(`${api}/portal/#token=${token}`);
    expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(3_500_000);
    // Stored only as a hash.
    const stored = await world.pool.query('SELECT token_hash FROM portal_sessions WHERE id = $1', [id]);
    expect(stored.rows[0].token_hash.toString('utf8')).not.toContain(token.slice(4, 20));

    const current = await call('GET', `${api}/v1/portal-sessions/current`, token);
    expect(current.json).toMatchObject({ applicationId: acme.id, application: { uid: 'cust-acme' }, readOnly: false, theme: { primaryColor: '#0f766e' } });
    expect((await call('GET', `${api}/v1/applications/cust-acme/endpoints`, token)).json.data.map((e: { id: string }) => e.id)).toEqual([acmeEndpoint.id]);
    expect((await call('GET', `${api}/v1/applications/${acme.id}/endpoints/${acmeEndpoint.id}/secret`, token)).json.secret).toBe(acmeEndpoint.secret);
    // Another application of the same tenant, by id or uid: 404; its endpoint through this application: 404.
    for (const path of [`/v1/applications/${globex.id}`, '/v1/applications/cust-globex/endpoints', `/v1/applications/cust-globex/endpoints/${globexEndpoint}`, '/v1/applications/cust-globex/events']) {
      const res = await call('GET', `${api}${path}`, token);
      expect(res.status, path).toBe(404);
      expect(String(res.headers['content-type'])).toMatch(/^application\/problem\+json/);
    }
    expect((await call('GET', `${api}/v1/applications/cust-acme/endpoints/${globexEndpoint}`, token)).status).toBe(404);
    // Tenant-level routes are not for portal tokens; nor are the application's own settings and portal sessions.
    for (const path of ['/v1/endpoints', '/v1/events', '/v1/applications', '/v1/dead-letters', '/v1/event-types']) expect((await call('GET', `${api}${path}`, token)).status, path).toBe(401);
    expect((await call('PATCH', `${api}/v1/applications/cust-acme`, token, { name: 'x' })).status).toBe(403);
    expect((await call('POST', `${api}/v1/applications/cust-acme/portal-sessions`, token, {})).status).toBe(403);
    expect((await call('DELETE', `${api}/v1/applications/cust-acme`, token)).status).toBe(403);
    // A portal session can add an endpoint and send a test.
    const added = await call('POST', `${api}/v1/applications/cust-acme/endpoints`, token, { url: receiver.url('/acme-2'), description: 'from the portal' });
    expect(added.status).toBe(201);
    expect((await call('DELETE', `${api}/v1/applications/cust-acme/endpoints/${added.json.id}`, token)).status).toBe(204);

    const ro = (await call('POST', `${api}/v1/applications/${acme.id}/portal-sessions`, tenant.apiKey, { readOnly: true, expiresIn: 60 })).json;
    expect((await call('GET', `${api}/v1/applications/cust-acme/endpoints`, ro.token)).status).toBe(200);
    const refused = await call('POST', `${api}/v1/applications/cust-acme/endpoints`, ro.token, { url: receiver.url('/nope') });
    expect(refused.status).toBe(403);
    expect(refused.json.code).toBe('HKL_READ_ONLY');
    expect((await call('POST', `${api}/v1/applications/cust-acme/endpoints/${acmeEndpoint.id}/secret/rotate`, ro.token, {})).status).toBe(403);

    // Revoked: 401 at once. Expired: 401.
    expect((await call('DELETE', `${api}/v1/applications/cust-acme/portal-sessions/${ro.id}`, tenant.apiKey)).status).toBe(204);
    expect((await call('GET', `${api}/v1/portal-sessions/current`, ro.token)).status).toBe(401);
    await world.pool.query("UPDATE portal_sessions SET expires_at = now() - interval '1 second' WHERE id = $1", [id]);
    expect((await call('GET', `${api}/v1/applications/cust-acme/endpoints`, token)).status).toBe(401);
    // Another tenant's key cannot make a link into this tenant's application.
    expect((await call('POST', `${api}/v1/applications/cust-acme/portal-sessions`, other.apiKey, {})).status).toBe(404);
  });

  it('a portal token follows its jobs (replay) and no other', async () => {
    const session = (await call('POST', `${api}/v1/applications/cust-acme/portal-sessions`, tenant.apiKey, {})).json;
    const event = (await call('GET', `${api}/v1/applications/cust-acme/events?type=invoice.paid`, session.token)).json.data[0];
    const before = receiver.requests.filter((r) => r.headers['webhook-id'] === event.id).length;
    const replay = await call('POST', `${api}/v1/applications/cust-acme/events/${event.id}/replay`, session.token, {});
    expect(replay.status).toBe(202);
    await waitFor(async () => (await call('GET', `${api}/v1/jobs/${replay.json.job.id}`, session.token)).json.status === 'completed', { timeoutMs: 20_000, description: 'replay job done' });
    await receiver.waitForRequests(1, { match: (r) => r.headers['webhook-id'] === event.id && receiver.requests.filter((q) => q.headers['webhook-id'] === event.id).length > before });
    // A job of the tenant-level routes (default application) is not the portal's to see.
    const plainEvent = (await call('GET', `${api}/v1/events?application=${(await call('GET', `${api}/v1/endpoints`, tenant.apiKey)).json.data[0].applicationId}`, tenant.apiKey)).json.data[0];
    const tenantJob = (await call('POST', `${api}/v1/events/${plainEvent.id}/replay`, tenant.apiKey, {})).json.job.id;
    expect((await call('GET', `${api}/v1/jobs/${tenantJob}`, session.token)).status).toBe(404);
    expect((await call('GET', `${api}/v1/jobs/${tenantJob}`, tenant.apiKey)).status).toBe(200);
  });

  it('deleting an application deletes its endpoints and stops their deliveries; the default one cannot be deleted', async () => {
    const doomed = (await call('POST', `${api}/v1/applications`, tenant.apiKey, { name: 'Doomed', uid: 'doomed' })).json;
    const ep = (await call('POST', `${api}/v1/applications/doomed/endpoints`, tenant.apiKey, { url: receiver.url('/doomed') })).json;
    const session = (await call('POST', `${api}/v1/applications/doomed/portal-sessions`, tenant.apiKey, {})).json;
    expect((await call('DELETE', `${api}/v1/applications/doomed`, tenant.apiKey)).status).toBe(204);
    expect((await call('GET', `${api}/v1/applications/doomed`, tenant.apiKey)).status).toBe(404);
    expect((await world.pool.query('SELECT 1 FROM endpoints WHERE id = $1', [ep.id])).rowCount).toBe(0);
    expect((await call('GET', `${api}/v1/portal-sessions/current`, session.token)).status).toBe(401);
    // An envelope still naming it is delivered nowhere.
    const producer = createProducer(world.kafka);
    await producer.connect();
    await producer.send({ topic: world.topics.events, acks: ACKS_ALL, messages: [{ value: encodeRecord(eventRecord, { tenantId: tenant.id, application: doomed.id, type: 't', data: {}, id: 'to-doomed' }) }] });
    await producer.disconnect();
    await waitFor(async () => (await call('GET', `${api}/v1/events/to-doomed`, tenant.apiKey)).status === 200, { timeoutMs: 20_000, description: 'event recorded' });
    expect(receiver.requests.filter((r) => r.path === '/doomed')).toEqual([]);

    const defaultApp = (await call('GET', `${api}/v1/applications`, tenant.apiKey)).json.data.find((a: { default: boolean }) => a.default);
    const refused = await call('DELETE', `${api}/v1/applications/${defaultApp.id}`, tenant.apiKey);
    expect(refused.status).toBe(409);
  });

  it("a new tenant's first requests, all at once, share one default application", async () => {
    for (let round = 0; round < 5; round++) {
      const fresh = await createTenant(api, world.env.ADMIN_TOKEN!, `parallel-${round}`);
      const answers = await Promise.all(Array.from({ length: 8 }, () => call('GET', `${api}/v1/endpoints`, fresh.apiKey)));
      expect(answers.map((a) => a.status)).toEqual(Array(8).fill(200));
      const apps = (await call('GET', `${api}/v1/applications`, fresh.apiKey)).json.data;
      expect(apps.filter((a: { default: boolean }) => a.default)).toHaveLength(1);
    }
  });

  it('the console’s overviews: endpoint health across applications, system metrics', async () => {
    const health = await call('GET', `${api}/v1/endpoint-health`, tenant.apiKey);
    expect(health.status).toBe(200);
    expect(health.json.data.map((l: { endpointId: string }) => l.endpointId)).toEqual(expect.arrayContaining([acmeEndpoint.id, globexEndpoint]));
    const onlyAcme = await call('GET', `${api}/v1/endpoint-health?application=cust-acme`, tenant.apiKey);
    expect(onlyAcme.json.data.map((l: { endpointId: string }) => l.endpointId)).toEqual([acmeEndpoint.id]);
    expect(onlyAcme.json.data[0]).toMatchObject({ applicationId: acme.id, circuit: 'closed', disabled: false });
    expect((await call('GET', `${api}/v1/endpoint-health?application=cust-acme`, other.apiKey)).json.data).toEqual([]);

    const system = await call('GET', `${api}/v1/system/metrics`, tenant.apiKey);
    expect(system.status).toBe(200);
    const ingest = system.json.services.find((s: { name: string }) => s.name === 'ingest');
    expect(ingest.up).toBe(true);
    expect(ingest.counters.hookline_events_accepted_total).toBeGreaterThan(0);
  });

  it('the dispatcher counts attempts per application', async () => {
    const metrics = await request(`http://127.0.0.1:${pipeline.ports.dispatcher}/metrics`).then((r) => r.body.text());
    const line = metrics.split('\n').find((l) => l.startsWith('hookline_application_delivery_attempts_total{') && l.includes(`application_id="${acme.id}"`));
    expect(line, metrics.split('\n').filter((l) => l.includes('application')).join('\n')).toMatch(/outcome="succeeded"/);
  });
});
