import { deliveryRecord, encodeRecord, eventRecord } from '@hookline/contracts';
import { ACKS_ALL, createProducer } from '@hookline/kafka';
import { createLogger } from '@hookline/telemetry';
import { createTestWorld, findSecrets, LogCapture, Receiver, waitFor, type TestWorld } from '@hookline/testing';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTenant, startPipeline, type ApiResponse, type Pipeline } from './support/pipeline.ts';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
interface Operation {
  method: Method;
  path: string;
  security?: Array<Record<string, unknown>>;
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
  parameters?: Array<{ name: string; in: string }>;
}
interface JsonSchema {
  type?: string | string[];
  format?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  minimum?: number;
}

/** Tenant B's resources, by the name the path or body gives their id. */
interface Resources {
  application: string;
  portalSession: string;
  endpoint: string;
  event: string;
  job: string;
  eventType: string;
  source: string;
}

/** Publish rate per tenant in this file (the token bucket's burst is one second of it). */
const PUBLISH_RATE = 5;

describe('tenant isolation: another tenant’s ids answer 404 and change nothing; one tenant’s rate limit is its own', () => {
  let world: TestWorld;
  let pipeline: Pipeline;
  let receiver: Receiver;
  let api: string;
  let a: { id: string; apiKey: string };
  let b: { id: string; apiKey: string };
  let bEndpoint: { id: string; secret: string };
  let bDeadEndpoint: string;
  let aEndpoint: string;
  let bRes: Resources;
  let operations: Operation[];
  /** The services' log lines, scanned for secrets at the end. */
  const logs = new LogCapture();

  beforeAll(async () => {
    world = createTestWorld('tenant-isolation');
    receiver = await Receiver.start();
    receiver.respondWith((r) => (r.path === '/b-dead' ? { status: 500 } : { status: 200 }));
    const log = createLogger({ service: 'tenant-isolation', level: 'info', destination: logs });
    pipeline = await startPipeline(world, { log, env: { TENANT_PUBLISH_RATE: String(PUBLISH_RATE), RETRY_SCHEDULE: '100ms' } });
    api = pipeline.api;
    a = await createTenant(api, world.env.ADMIN_TOKEN!, 'tenant-a');
    b = await createTenant(api, world.env.ADMIN_TOKEN!, 'tenant-b');

    aEndpoint = (await call('POST', `${api}/v1/endpoints`, a.apiKey, { url: receiver.url('/a'), description: 'a endpoint' })).json.id;
    bEndpoint = (await call('POST', `${api}/v1/endpoints`, b.apiKey, { url: receiver.url('/b'), eventTypes: ['b.type'], description: 'b endpoint', metadata: { owner: 'b' } })).json;
    bDeadEndpoint = (await call('POST', `${api}/v1/endpoints`, b.apiKey, { url: receiver.url('/b-dead'), eventTypes: ['b.dead'] })).json.id;
    expect((await call('PUT', `${api}/v1/event-types/b.type`, b.apiKey, { description: 'b type', schema: { type: 'object' } })).status).toBe(201);

    const bEvent = (await call('POST', `${api}/v1/events`, b.apiKey, { type: 'b.type', data: { secretOfB: 1 } })).json.id as string;
    await call('POST', `${api}/v1/events`, b.apiKey, { type: 'b.dead', data: { n: 1 } });
    await call('POST', `${api}/v1/events`, a.apiKey, { type: 'a.type', data: { n: 1 } });
    await receiver.waitForRequests(1, { match: (r) => r.headers['webhook-id'] === bEvent });
    // Recorded by the tracker (events/{id} answers), and one dead letter for B.
    await waitFor(async () => (await call('GET', `${api}/v1/events/${bEvent}`, b.apiKey)).status === 200, { timeoutMs: 20_000, description: 'B’s event recorded' });
    await waitFor(async () => (await call('GET', `${api}/v1/dead-letters`, b.apiKey)).json.data?.length === 1, { timeoutMs: 30_000, description: 'B’s dead letter' });
    const replay = await call('POST', `${api}/v1/events/${bEvent}/replay`, b.apiKey, {});
    expect(replay.status).toBe(202);
    const bApplication = (await call('GET', `${api}/v1/applications`, b.apiKey)).json.data[0].id as string;
    const bSession = (await call('POST', `${api}/v1/applications/${bApplication}/portal-sessions`, b.apiKey, {})).json.id as string;
    const bSource = (await call('POST', `${api}/v1/sources`, b.apiKey, { name: 'b source', provider: 'github', verification: { secret: 'b-source-secret' } })).json.id as string;
    bRes = { application: bApplication, portalSession: bSession, endpoint: bEndpoint.id, event: bEvent, job: replay.json.job.id, eventType: 'b.type', source: bSource };

    const doc = (await call('GET', `${api}/openapi.json`)).json as { paths: Record<string, Record<string, Omit<Operation, 'method' | 'path'>>> };
    operations = Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([m, op]) => ({ ...op, method: m.toUpperCase() as Method, path })));
  });
  afterAll(async () => {
    await pipeline?.stop();
    await receiver?.close();
    await world?.cleanup();
  });

  const isTenantRoute = (op: Operation) => op.security?.some((s) => 'apiKey' in s) ?? false;
  const isAdminRoute = (op: Operation) => op.security?.some((s) => 'adminToken' in s) ?? false;

  /** B's resource id for a path parameter, by the collection it names (the path segment before it). */
  const idFor = (path: string, param: string): string => {
    const segments = path.split('/');
    const collection = segments[segments.indexOf(`{${param}}`) - 1];
    const byCollection: Record<string, string> = {
      applications: bRes.application,
      'portal-sessions': bRes.portalSession,
      endpoints: bRes.endpoint,
      events: bRes.event,
      jobs: bRes.job,
      'event-types': bRes.eventType,
      sources: bRes.source,
    };
    const id = byCollection[collection!];
    if (id === undefined) throw new Error(`no tenant-B resource for {${param}} in ${path}: add one to this test`);
    return id;
  };

  /** B's id for a body or query field naming a resource (`endpointId`, `eventId`). */
  const idField = (name: string): string | undefined =>
    ({ endpointId: bRes.endpoint, eventId: bRes.event, jobId: bRes.job, application: bRes.application, applicationId: bRes.application })[name];

  /** A body the route accepts (its required fields), so that a 404 is about the id and not the body. */
  const bodyFor = (op: Operation): Record<string, unknown> | undefined => {
    const schema = op.requestBody?.content?.['application/json']?.schema;
    if (!schema) return undefined;
    const body: Record<string, unknown> = {};
    for (const name of schema.required ?? []) body[name] = sample(schema.properties?.[name] ?? {});
    if (op.method === 'PATCH' && schema.properties?.description) body.description = 'changed by tenant A';
    if (op.method === 'PUT' && schema.properties?.description) body.description = 'tenant A’s own';
    return body;
  };

  /** Everything B can see of its own resources, to compare before and after A's calls. */
  const snapshotOfB = async () => {
    const get = async (path: string) => {
      const res = await call('GET', `${api}${path}`, b.apiKey);
      return { status: res.status, json: res.json };
    };
    const event = await get(`/v1/events/${bRes.event}`);
    return {
      endpoint: await get(`/v1/endpoints/${bRes.endpoint}`),
      deadEndpoint: await get(`/v1/endpoints/${bDeadEndpoint}`),
      secret: await get(`/v1/endpoints/${bRes.endpoint}/secret`),
      eventType: await get(`/v1/event-types/${bRes.eventType}`),
      endpoints: await get('/v1/endpoints'),
      applications: await get('/v1/applications'),
      source: await get(`/v1/sources/${bRes.source}`),
      sourceSecrets: (await world.pool.query('SELECT secrets::text AS s, token_hash FROM sources WHERE id = $1', [bRes.source])).rows[0],
      portalSessionsLive: (await world.pool.query('SELECT count(*)::int AS n FROM portal_sessions WHERE tenant_id = $1 AND revoked_at IS NULL', [b.id])).rows[0].n,
      eventTypes: await get('/v1/event-types'),
      deadLetters: await get('/v1/dead-letters'),
      // Deliveries of the event (its status), not the attempt counters the replay may still be adding to.
      event: { status: event.status, id: event.json?.id, type: event.json?.type, data: event.json?.data },
      job: (await get(`/v1/jobs/${bRes.job}`)).status,
      jobsInDb: (await world.pool.query('SELECT count(*)::int AS n FROM requeue_jobs WHERE tenant_id = $1', [b.id])).rows[0].n,
      keys: (await world.pool.query('SELECT count(*)::int AS n FROM api_keys WHERE tenant_id = $1 AND revoked_at IS NULL', [b.id])).rows[0].n,
    };
  };

  it('every tenant route that takes an id answers 404 problem+json for B’s ids with A’s key, and B’s resources are unchanged', { timeout: 120_000 }, async () => {
    // Settle the replay job so it does not move while we compare.
    await waitFor(async () => (await call('GET', `${api}/v1/jobs/${bRes.job}`, b.apiKey)).json.status === 'completed', { timeoutMs: 20_000, description: 'B’s replay job done' });
    const before = await snapshotOfB();
    const covered: string[] = [];
    const withIds = operations.filter((op) => isTenantRoute(op) && op.path.includes('{'));
    expect(withIds.length).toBeGreaterThanOrEqual(14);
    // Upserts (PUT) last: they create A's own resource under the same name, which later GETs would then find.
    const ordered = [...withIds.filter((op) => op.method !== 'PUT'), ...withIds.filter((op) => op.method === 'PUT')];
    for (const op of ordered) {
      const path = op.path.replace(/\{([^}]+)\}/g, (_m, param: string) => encodeURIComponent(idFor(op.path, param)));
      const res = await call(op.method, `${api}${path}`, a.apiKey, bodyFor(op));
      const label = `${op.method} ${op.path}`;
      if (op.method === 'PUT') {
        // A name is per tenant: PUT with B's name creates A's own resource, never touches B's.
        expect(res.status, `${label}: ${JSON.stringify(res.json)}`).toBeGreaterThanOrEqual(200);
        expect(res.status, label).toBeLessThan(300);
      } else {
        expect(res.status, `${label}: ${JSON.stringify(res.json)}`).toBe(404);
        expect(String(res.headers['content-type']), label).toMatch(/^application\/problem\+json/);
        expect(res.json.status, label).toBe(404);
      }
      covered.push(label);
    }
    // Body fields naming B's resources, on routes without an id in the path.
    for (const op of operations.filter((o) => isTenantRoute(o) && !o.path.includes('{') && o.method !== 'GET')) {
      const schema = op.requestBody?.content?.['application/json']?.schema;
      const fields = Object.keys(schema?.properties ?? {}).filter((f) => f.endsWith('Id') || f === 'application');
      for (const field of fields) {
        const id = idField(field);
        if (id === undefined) throw new Error(`no tenant-B resource for body field ${field} of ${op.method} ${op.path}: add one to this test`);
        const res = await call(op.method, `${api}${op.path}`, a.apiKey, { ...bodyFor(op), [field]: id });
        expect(res.status, `${op.method} ${op.path} {${field}}: ${JSON.stringify(res.json)}`).toBe(404);
        covered.push(`${op.method} ${op.path} {${field}}`);
      }
    }
    const after = await snapshotOfB();
    expect(after).toEqual(before);
    // B's endpoint still delivers, signed with the secret it always had.
    const more = (await call('POST', `${api}/v1/events`, b.apiKey, { type: 'b.type', data: { after: true } })).json.id;
    const [req] = await receiver.waitForRequests(1, { match: (r) => r.headers['webhook-id'] === more });
    expect(new Webhook(bEndpoint.secret).verify(req!.body, req!.headers as Record<string, string>)).toBeTruthy();
    console.log(`tenant isolation: ${covered.length} route/field combinations with tenant B's ids:\n  ${covered.join('\n  ')}`);
  });

  it('list routes never show another tenant’s data, even when asked for its ids', async () => {
    // B's type name is not a marker: A made its own type of that name above (names are per tenant).
    const bMarkers = [b.id, bRes.application, bRes.endpoint, bDeadEndpoint, bRes.event, bRes.job, 'b type', 'secretOfB', 'b endpoint'];
    const listed: string[] = [];
    const lists = operations.filter((op) => isTenantRoute(op) && op.method === 'GET' && !op.path.includes('{'));
    expect(lists.length).toBeGreaterThanOrEqual(4);
    for (const op of lists) {
      const query = (op.parameters ?? []).filter((p) => p.in === 'query' && idField(p.name) !== undefined).map((p) => `${p.name}=${idField(p.name)}`);
      for (const q of ['', ...query]) {
        const res = await call('GET', `${api}${op.path}${q ? `?${q}` : ''}`, a.apiKey);
        expect(res.status, `${op.path}?${q}`).toBe(200);
        const text = JSON.stringify(res.json);
        for (const m of bMarkers) expect(text, `${op.path}?${q} shows ${m}`).not.toContain(m);
        listed.push(`GET ${op.path}${q ? `?${q}` : ''}`);
      }
    }
    console.log(`lists read with tenant A's key: ${listed.join(', ')}`);
    // And A does see its own (the lists work at all).
    expect(JSON.stringify((await call('GET', `${api}/v1/endpoints`, a.apiKey)).json)).toContain(aEndpoint);
  });

  it('admin routes refuse a tenant key, whatever the ids', async () => {
    for (const op of operations.filter(isAdminRoute)) {
      const path = op.path.replace('{id}', b.id).replace('{keyId}', 'key_x');
      const res = await call(op.method, `${api}${path}`, a.apiKey, bodyFor(op));
      expect([401, 403], `${op.method} ${op.path}`).toContain(res.status);
    }
    expect((await call('GET', `${api}/v1/endpoints`, b.apiKey)).status).toBe(200);
  });

  it('a tenant over its publish rate gets 429 with Retry-After; the other tenant publishes and is delivered meanwhile', { timeout: 60_000 }, async () => {
    const answers: ApiResponse[] = [];
    const bAccepted: string[] = [];
    // A floods (well past its one-second burst) while B publishes at its own pace in between.
    for (let i = 0; i < 6 * PUBLISH_RATE; i++) {
      answers.push(await call('POST', `${api}/v1/events`, a.apiKey, { type: 'a.type', data: { i } }));
      if (i % 10 === 9) {
        const res = await call('POST', `${api}/v1/events`, b.apiKey, { type: 'b.type', data: { during: i } });
        expect(res.status, JSON.stringify(res.json)).toBe(202);
        bAccepted.push(res.json.id);
      }
    }
    const limited = answers.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(answers.every((r) => r.status === 202 || r.status === 429)).toBe(true);
    for (const r of limited) {
      expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(String(r.headers['content-type'])).toMatch(/^application\/problem\+json/);
    }
    await receiver.waitForRequests(bAccepted.length, { match: (r) => bAccepted.includes(String(r.headers['webhook-id'])) });
    // The batch route counts against the same bucket.
    const batch = await call('POST', `${api}/v1/events/batch`, a.apiKey, { events: Array.from({ length: 3 * PUBLISH_RATE }, (_, i) => ({ type: 'a.type', data: { i } })) });
    expect(batch.status).toBe(429);
    console.log(`rate limit: tenant A ${answers.length} publishes, ${limited.length} answered 429; tenant B ${bAccepted.length} accepted and delivered`);
  });

  it('records produced straight to Kafka that pair tenant A with B’s endpoint are never delivered to it', { timeout: 60_000 }, async () => {
    const producer = createProducer(world.kafka);
    await producer.connect();
    try {
      await producer.send({
        topic: world.topics.events,
        acks: ACKS_ALL,
        messages: [{ key: 'cross', value: encodeRecord(eventRecord, { tenantId: a.id, type: 'b.type', data: { cross: 1 }, id: 'cross-event', endpointId: bRes.endpoint }) }],
      });
      await producer.send({
        topic: world.topics.deliveries,
        acks: ACKS_ALL,
        messages: [{
          key: bRes.endpoint,
          value: encodeRecord(deliveryRecord, {
            deliveryId: 'dlv_cross', eventId: 'cross-delivery', tenantId: a.id, endpointId: bRes.endpoint, type: 'b.type', data: { cross: 2 }, eventCreatedAt: new Date().toISOString(), attempt: 0,
          }),
        }],
      });
    } finally {
      await producer.disconnect();
    }
    // Once fan-out and delivery have committed past both records, they were handled: dropped, not delivered.
    const admin = world.kafka.admin();
    await admin.connect();
    try {
      for (const [groupId, topic] of [[world.groups.fanout, world.topics.events], [world.groups.deliver, world.topics.deliveries]] as const) {
        await waitFor(async () => {
          const high = await admin.fetchTopicOffsets(topic);
          const committed = (await admin.fetchOffsets({ groupId, topics: [topic] }))[0]?.partitions ?? [];
          return high.every((p) => Number(committed.find((c) => c.partition === p.partition)?.offset ?? -1) >= Number(p.high) || p.high === p.low);
        }, { timeoutMs: 30_000, intervalMs: 200, description: `${groupId} past every record of ${topic}` });
      }
    } finally {
      await admin.disconnect();
    }
    expect(receiver.requests.filter((r) => ['cross-event', 'cross-delivery'].includes(String(r.headers['webhook-id'])))).toEqual([]);
  });

  it('the services logged all of this without a key or secret', () => {
    expect(findSecrets(logs.text, [a.apiKey, b.apiKey, bEndpoint.secret, world.env.ADMIN_TOKEN!, world.env.ENCRYPTION_KEY!])).toEqual([]);
    console.log(`log scan: ${logs.lines.length} lines, 0 secrets`);
  });
});

/** A value a field's schema accepts (enough for the required fields of our bodies). */
function sample(schema: JsonSchema): unknown {
  if (schema.enum) return schema.enum[0];
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  if (type === 'string') return schema.format === 'date-time' ? new Date(Date.now() - 3_600_000).toISOString() : 'x';
  if (type === 'integer' || type === 'number') return schema.minimum ?? 1;
  if (type === 'boolean') return false;
  if (type === 'array') return [];
  // An object's required fields too (a body field that is itself an object, e.g. the filter test's `event`).
  if (type === 'object') return Object.fromEntries((schema.required ?? []).map((name) => [name, sample(schema.properties?.[name] ?? {})]));
  return 'x';
}
