import { createHmac, randomUUID } from 'node:crypto';
import { SourceRequestsRepository } from '@hookline/db';
import { createLogger } from '@hookline/telemetry';
import { createTestWorld, findSecrets, LogCapture, Receiver, waitFor, type ReceivedRequest, type TestWorld } from '@hookline/testing';
import { Webhook } from 'standardwebhooks';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTenant, startPipeline, type Pipeline } from './support/pipeline.ts';

/** A webhook as a provider sends it: raw body bytes and headers. */
async function post(url: string, body: string | Buffer, headers: Record<string, string> = {}, dispatcher?: Agent) {
  const res = await request(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers }, ...(dispatcher ? { dispatcher } : {}) });
  const text = await res.body.text();
  let json: any;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = text;
  }
  return { status: res.statusCode, headers: res.headers, json, text };
}

const hmac = (algorithm: string, key: string | Buffer, message: string, encoding: 'hex' | 'base64') => createHmac(algorithm, key).update(message).digest(encoding);
const now = () => Math.floor(Date.now() / 1000);

describe('inbound sources: verify providers’ webhooks, answer after the Kafka ack, deduplicate, fan out signed by Hookline', () => {
  let world: TestWorld;
  let front: Pipeline;
  let dispatcher: Pipeline | undefined;
  let receiver: Receiver;
  let api: string;
  let tenant: { id: string; apiKey: string };
  let endpoint: { id: string; secret: string };
  const MAX_PAYLOAD = 65_536;
  /** The services' log lines, scanned for source tokens and secrets at the end. */
  const logs = new LogCapture();
  const tokens: string[] = [];

  /** Creates a source in the `inbound` application; returns its id and URL. */
  const createSource = async (body: Record<string, unknown>) => {
    const res = await call('POST', `${api}/v1/sources`, tenant.apiKey, { application: 'inbound', ...body });
    expect(res.status, JSON.stringify(res.json)).toBe(201);
    tokens.push(String(res.json.url).split('/in/')[1]!);
    return res.json as { id: string; url: string };
  };
  /** The delivered webhook of an event id, verified with the endpoint's Hookline secret. */
  const deliveredOf = async (eventId: string) => {
    const [req] = await receiver.waitForRequests(1, { timeoutMs: 30_000, match: (r) => r.headers['webhook-id'] === eventId });
    return new Webhook(endpoint.secret).verify(req!.body, req!.headers as Record<string, string>) as { type: string; data: Record<string, unknown> };
  };
  /** The source's request log once it holds `count` rows (it is written in the background, a moment after each answer). */
  const requestsOf = async (sourceId: string, count: number) => {
    let rows: Array<Record<string, any>> = [];
    await waitFor(async () => {
      rows = (await call('GET', `${api}/v1/sources/${sourceId}/requests?limit=250`, tenant.apiKey)).json.data;
      return rows.length >= count;
    }, { timeoutMs: 10_000, description: `${count} requests logged` });
    return rows;
  };

  beforeAll(async () => {
    world = createTestWorld('inbound-sources');
    receiver = await Receiver.start();
    // Ingest and tracker first: the burst test publishes while no dispatcher runs.
    const log = createLogger({ service: 'inbound-sources', level: 'info', destination: logs });
    front = await startPipeline(world, { log, services: ['ingest', 'tracker'], env: { MAX_PAYLOAD_BYTES: String(MAX_PAYLOAD), SECRET_ROTATION_GRACE: '1h', TENANT_PUBLISH_RATE: '100000' } });
    api = front.api;
    tenant = await createTenant(api, world.env.ADMIN_TOKEN!, 'receiver of webhooks');
    expect((await call('POST', `${api}/v1/applications`, tenant.apiKey, { name: 'Inbound', uid: 'inbound' })).status).toBe(201);
    endpoint = (await call('POST', `${api}/v1/applications/inbound/endpoints`, tenant.apiKey, { url: receiver.url('/inbound') })).json;
  });
  afterAll(async () => {
    await dispatcher?.stop();
    await front?.stop();
    await receiver?.close();
    await world?.cleanup();
  });

  it('a burst of 5,000 inbound requests while the dispatcher is stopped: each answered 202 after the ack, all delivered once it starts', { timeout: 240_000 }, async () => {
    const secret = 'burst-secret';
    const source = await createSource({ name: 'burst', provider: 'github', verification: { secret } });
    const agent = new Agent({ connections: 32, pipelining: 1 });
    const total = 5_000;
    const ids = new Map<string, number>();
    let next = 0;
    const started = Date.now();
    const worker = async () => {
      while (next < total && Date.now() - started < 150_000) {
        const n = next++;
        const body = JSON.stringify({ action: 'created', n });
        const res = await post(source.url, body, {
          'x-github-event': 'issue_comment', 'x-github-delivery': `burst-${n}`, 'x-hub-signature-256': `sha256=${hmac('sha256', secret, body, 'hex')}`,
        }, agent);
        expect(res.status).toBe(202);
        ids.set(res.json.id as string, n);
      }
    };
    await Promise.all(Array.from({ length: 32 }, worker));
    await agent.close();
    expect(ids.size).toBe(total);
    expect(receiver.requests.length).toBe(0);
    // Every request is in the source's log (written in batches in the background).
    const logged = async () => (await world.pool.query('SELECT count(*)::int AS n FROM source_requests WHERE source_id = $1 AND status = 202', [source.id])).rows[0].n as number;
    await waitFor(async () => (await logged()) === total, { timeoutMs: 20_000, description: 'every burst request logged' });

    dispatcher = await startPipeline(world, { log: createLogger({ service: 'inbound-sources', level: 'info', destination: logs }), services: ['dispatcher'], env: { MAX_PAYLOAD_BYTES: String(MAX_PAYLOAD) } });
    await waitFor(() => new Set(receiver.requests.map((r) => r.headers['webhook-id'])).size >= total, { timeoutMs: 180_000, description: 'every burst event delivered' });
    const wh = new Webhook(endpoint.secret);
    const seen = new Set<number>();
    for (const r of receiver.requests) {
      const payload = wh.verify(r.body, r.headers as Record<string, string>) as { type: string; data: { n: number } };
      expect(payload.type).toBe('issue_comment.created');
      expect(ids.get(String(r.headers['webhook-id']))).toBe(payload.data.n);
      seen.add(payload.data.n);
    }
    expect(seen.size).toBe(total);
  });

  it('github: GitHub’s documented example verifies; a signed JSON payload becomes `event.action` with the body as data; tampered and wrong-secret ones are 401, recorded, never forwarded', { timeout: 60_000 }, async () => {
    // docs.github.com "Validating webhook deliveries": secret "It's a Secret to Everybody", payload "Hello, World!".
    const source = await createSource({ name: 'github', provider: 'github', verification: { secret: "It's a Secret to Everybody" } });
    const documented = await post(source.url, 'Hello, World!', {
      'x-hub-signature-256': 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17', 'x-github-event': 'ping', 'x-github-delivery': randomUUID(),
    });
    expect(documented.status).toBe(202);
    expect(await deliveredOf(documented.json.id)).toMatchObject({ type: 'ping', data: { contentType: 'application/json', text: 'Hello, World!' } });

    const body = JSON.stringify({ action: 'opened', number: 7, pull_request: { title: 'Add inbound sources' } });
    const delivery = randomUUID();
    const sig = `sha256=${hmac('sha256', "It's a Secret to Everybody", body, 'hex')}`;
    const ok = await post(source.url, body, { 'x-hub-signature-256': sig, 'x-github-event': 'pull_request', 'x-github-delivery': delivery });
    expect(ok.status).toBe(202);
    expect(await deliveredOf(ok.json.id)).toEqual(expect.objectContaining({ type: 'pull_request.opened', data: JSON.parse(body) }));
    // The provider's headers reach the destination: under their own names, or as x-original-* where the webhook sets
    // its own (content-type, user-agent, webhook-*); never the provider's signature. A replay sends them again.
    const forwarded = () => receiver.requests.filter((r) => r.headers['webhook-id'] === ok.json.id);
    const first = forwarded()[0]!;
    expect(first.headers).toMatchObject({ 'x-github-event': 'pull_request', 'x-github-delivery': delivery, 'content-type': 'application/json' });
    expect(first.headers['x-original-content-type']).toMatch(/^application\/json/);
    expect(first.headers['x-hub-signature-256']).toBeUndefined();
    await waitFor(async () => (await call('GET', `${api}/v1/events/${ok.json.id}`, tenant.apiKey)).json?.deliveries?.[0]?.status === 'succeeded', {
      timeoutMs: 20_000,
      description: 'the inbound event recorded as delivered',
    });
    expect((await call('POST', `${api}/v1/events/${ok.json.id}/replay`, tenant.apiKey, {})).status).toBe(202);
    await waitFor(() => forwarded().length >= 2, { timeoutMs: 20_000, description: 'the replay delivered' });
    expect(forwarded()[1]!.headers).toMatchObject({ 'x-github-event': 'pull_request', 'x-github-delivery': delivery });

    const tampered = await post(source.url, body.replace('7', '8'), { 'x-hub-signature-256': sig, 'x-github-event': 'pull_request', 'x-github-delivery': randomUUID() });
    expect(tampered.status).toBe(401);
    expect(String(tampered.headers['content-type'])).toMatch(/^application\/problem\+json/);
    const wrongSecret = await post(source.url, body, { 'x-hub-signature-256': `sha256=${hmac('sha256', 'not the secret', body, 'hex')}`, 'x-github-event': 'pull_request' });
    expect(wrongSecret.status).toBe(401);
    const unsigned = await post(source.url, body, { 'x-github-event': 'pull_request' });
    expect(unsigned.status).toBe(401);

    const log = await requestsOf(source.id, 5);
    expect(log.map((r) => [r.status, r.verification, r.reason])).toEqual([
      [401, 'failed', 'missing_signature'],
      [401, 'failed', 'no_match'],
      [401, 'failed', 'no_match'],
      [202, 'verified', null],
      [202, 'verified', null],
    ]);
    expect(log[3]).toMatchObject({ eventId: ok.json.id, eventType: 'pull_request.opened', deliveryId: delivery, duplicate: false });
    expect(log[3]!.headers).toMatchObject({ 'x-github-event': 'pull_request', 'x-github-delivery': delivery });
    expect(log[3]!.headers['x-hub-signature-256']).toBeUndefined();
    // Only the two verified requests became deliveries.
    expect(receiver.requests.filter((r) => r.path === '/inbound' && [documented.json.id, ok.json.id].includes(r.headers['webhook-id'])).length).toBe(3);
  });

  it('stripe: Stripe-Signature with t and v1 within the tolerance; expired timestamps 401; a retried event id is answered like the first and published once', { timeout: 60_000 }, async () => {
    const secret = 'whsec_stripeTestSecret0123456789';
    const source = await createSource({ name: 'stripe', provider: 'stripe', verification: { secret } });
    const event = { id: `evt_${randomUUID().replaceAll('-', '')}`, object: 'event', type: 'invoice.paid', data: { object: { id: 'in_1', amount_paid: 4200 } } };
    const body = JSON.stringify(event);
    const signed = (t: number, b = body, key = secret) => ({ 'stripe-signature': `t=${t},v1=${hmac('sha256', key, `${t}.${b}`, 'hex')}` });
    const first = await post(source.url, body, signed(now()));
    expect(first.status).toBe(202);
    const retry = await post(source.url, body, signed(now()));
    expect(retry.status).toBe(202);
    expect(retry.json).toEqual(first.json);
    expect(await deliveredOf(first.json.id)).toMatchObject({ type: 'invoice.paid', data: event });

    expect((await post(source.url, body, signed(now() - 400))).status).toBe(401);
    expect((await post(source.url, body, signed(now() + 400))).status).toBe(401);
    expect((await post(source.url, body, signed(now(), body, 'whsec_wrong'))).status).toBe(401);
    const log = await requestsOf(source.id, 5);
    expect(log.map((r) => r.reason)).toEqual(['no_match', 'timestamp_out_of_tolerance', 'timestamp_out_of_tolerance', null, null]);
    expect(log[3]).toMatchObject({ duplicate: true, eventId: first.json.id, deliveryId: event.id });
    // Let a second delivery arrive if one were coming (the endpoint answers at once), then count: exactly one.
    await waitFor(async () => (await call('GET', `${api}/v1/events/${first.json.id}`, tenant.apiKey)).json?.deliveries?.[0]?.status === 'succeeded', { timeoutMs: 20_000, description: 'the stripe event recorded as delivered' });
    expect(receiver.requests.filter((r) => r.headers['webhook-id'] === first.json.id)).toHaveLength(1);
  });

  it('slack: v0 signature over "v0:timestamp:body"; Slack’s documented example is refused only because its timestamp is from 2018', { timeout: 60_000 }, async () => {
    // api.slack.com "Verifying requests from Slack" example.
    const documentedSecret = '8f742231b10e8888abcd99yyyzzz85a5';
    const documentedBody = 'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    const source = await createSource({ name: 'slack', provider: 'slack', verification: { secret: documentedSecret }, eventType: 'slack.command', response: { status: 200, body: '' } });
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const expired = await post(source.url, documentedBody, { ...form, 'x-slack-request-timestamp': '1531420618', 'x-slack-signature': 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503' });
    expect(expired.status).toBe(401);
    expect(expired.json.detail).toMatch(/timestamp_out_of_tolerance/);

    const ts = String(now());
    const fresh = await post(source.url, documentedBody, { ...form, 'x-slack-request-timestamp': ts, 'x-slack-signature': `v0=${hmac('sha256', documentedSecret, `v0:${ts}:${documentedBody}`, 'hex')}` });
    expect(fresh.status).toBe(200);
    expect(fresh.text).toBe('');
    const log = await requestsOf(source.id, 2);
    const eventId = log[0]!.eventId as string;
    expect(await deliveredOf(eventId)).toMatchObject({ type: 'slack.command', data: { contentType: 'application/x-www-form-urlencoded', text: documentedBody } });

    // The url_verification handshake is echoed, not published.
    const challenge = JSON.stringify({ token: 't', challenge: 'abc123', type: 'url_verification' });
    const ts2 = String(now());
    const hs = await post(source.url, challenge, { 'x-slack-request-timestamp': ts2, 'x-slack-signature': `v0=${hmac('sha256', documentedSecret, `v0:${ts2}:${challenge}`, 'hex')}` });
    expect(hs.status).toBe(200);
    expect(hs.json).toEqual({ challenge: 'abc123' });
  });

  it('shopify, standard-webhooks (with a replay), generic hmac, basic, bearer and api-key: right credentials pass, wrong ones are 401', { timeout: 60_000 }, async () => {
    const shopify = await createSource({ name: 'shopify', provider: 'shopify', verification: { secret: 'shpss_secret' } });
    const order = JSON.stringify({ id: 820982911946154500, total_price: '10.00' });
    const shop = await post(shopify.url, order, { 'x-shopify-hmac-sha256': hmac('sha256', 'shpss_secret', order, 'base64'), 'x-shopify-topic': 'orders/create', 'x-shopify-webhook-id': randomUUID() });
    expect(shop.status).toBe(202);
    expect(await deliveredOf(shop.json.id)).toMatchObject({ type: 'orders.create', data: JSON.parse(order) });
    expect((await post(shopify.url, order, { 'x-shopify-hmac-sha256': hmac('sha256', 'other', order, 'base64') })).status).toBe(401);

    // Another Hookline (or any Standard Webhooks sender), signing with the `standardwebhooks` library.
    const whsec = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const sw = await createSource({ name: 'another hookline', provider: 'standard-webhooks', verification: { secret: whsec } });
    const payload = JSON.stringify({ type: 'user.created', timestamp: new Date().toISOString(), data: { id: 'u_1' } });
    const msgId = `msg_${randomUUID()}`;
    const swHeaders = { 'webhook-id': msgId, 'webhook-timestamp': String(now()), 'webhook-signature': new Webhook(whsec).sign(msgId, new Date(), payload) };
    const a = await post(sw.url, payload, swHeaders);
    const replay = await post(sw.url, payload, swHeaders);
    expect([a.status, replay.status]).toEqual([202, 202]);
    expect(replay.json.id).toBe(a.json.id);
    expect(await deliveredOf(a.json.id)).toMatchObject({ type: 'user.created', data: JSON.parse(payload) });
    const old = new Date(Date.now() - 600_000);
    expect((await post(sw.url, payload, { ...swHeaders, 'webhook-timestamp': String(Math.floor(old.getTime() / 1000)), 'webhook-signature': new Webhook(whsec).sign(msgId, old, payload) })).status).toBe(401);

    const generic = await createSource({ name: 'generic', provider: 'hmac', eventType: 'vendor.thing', verification: { secret: 'k', header: 'X-Vendor-Signature', algorithm: 'sha512', encoding: 'base64', prefix: 'sha512=' } });
    const g = JSON.stringify({ thing: 1 });
    const gOk = await post(generic.url, g, { 'x-vendor-signature': `sha512=${hmac('sha512', 'k', g, 'base64')}` });
    expect(gOk.status).toBe(202);
    expect(await deliveredOf(gOk.json.id)).toMatchObject({ type: 'vendor.thing', data: { thing: 1 } });
    expect((await post(generic.url, g, { 'x-vendor-signature': hmac('sha512', 'k', g, 'base64') })).status).toBe(401);

    const basic = await createSource({ name: 'basic', provider: 'basic', verification: { username: 'hooks', password: 'pa55' } });
    const auth = (u: string, p: string) => ({ authorization: `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}` });
    expect((await post(basic.url, '{}', auth('hooks', 'pa55'))).status).toBe(202);
    expect((await post(basic.url, '{}', auth('hooks', 'wrong'))).status).toBe(401);
    const bearer = await createSource({ name: 'bearer', provider: 'bearer', verification: { token: 'tok_1' } });
    expect((await post(bearer.url, '{}', { authorization: 'Bearer tok_1' })).status).toBe(202);
    expect((await post(bearer.url, '{}', { authorization: 'Bearer tok_2' })).status).toBe(401);
    const apiKey = await createSource({ name: 'api-key', provider: 'api-key', verification: { header: 'X-Hook-Key', token: 'key_1' } });
    expect((await post(apiKey.url, '{}', { 'x-hook-key': 'key_1' })).status).toBe(202);
    expect((await post(apiKey.url, '{}', { 'x-api-key': 'key_1' })).status).toBe(401);

    // Missing provider fields are named.
    const bad = await call('POST', `${api}/v1/sources`, tenant.apiKey, { name: 'x', provider: 'hmac', verification: { secret: 'k', username: 'u' } });
    expect(bad.status).toBe(422);
    expect(bad.json.errors.map((e: { path: string }) => e.path).sort()).toEqual(['verification.algorithm', 'verification.encoding', 'verification.header', 'verification.username']);
  });

  it('IP allowlist (403 off it), body size (413), rate limit (429), unknown URL (404): refused and recorded', { timeout: 60_000 }, async () => {
    const closed = await createSource({ name: 'allowlisted elsewhere', provider: 'none', eventType: 'ping', allowedIps: ['192.30.252.0/22', '2001:db8::/32'] });
    const off = await post(closed.url, '{}');
    expect(off.status).toBe(403);
    expect(off.json.code).toBe('HKL_SOURCE_IP_FORBIDDEN');
    const open = await createSource({ name: 'allowlisted here', provider: 'none', eventType: 'ping', allowedIps: ['127.0.0.1/32', '::1'], rateLimitPerSecond: 2 });
    const accepted = await post(open.url, '{"ping":1}');
    expect(accepted.status).toBe(202);
    expect(await deliveredOf(accepted.json.id)).toMatchObject({ type: 'ping', data: { ping: 1 } });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await post(open.url, '{}')).status);
    expect(statuses).toContain(429);

    const big = await post(open.url, Buffer.alloc(MAX_PAYLOAD + 1, 'a'), { 'content-type': 'text/plain' });
    expect(big.status).toBe(413);
    expect((await post(`${api}/in/hls_nope`, '{}')).status).toBe(404);

    const closedLog = await requestsOf(closed.id, 1);
    expect(closedLog).toEqual([expect.objectContaining({ status: 403, verification: 'refused', reason: 'ip_not_allowed', remoteAddress: '127.0.0.1' })]);
    const openLog = await requestsOf(open.id, 6);
    expect(openLog[0]).toMatchObject({ status: 413, reason: 'too_large' });
    expect(openLog.some((r) => r.status === 429 && r.reason === 'rate_limited')).toBe(true);
    expect(openLog.at(-1)).toMatchObject({ status: 202, verification: 'skipped' });
  });

  it('CRUD; token rotation stops the old URL at once; secret rotation keeps the old secret verifying for the grace period', { timeout: 60_000 }, async () => {
    const created = await createSource({ name: 'rotating', provider: 'github', verification: { secret: 'old-secret' }, response: { status: 200, body: '{"ok":true}' } });
    const got = await call('GET', `${api}/v1/sources/${created.id}`, tenant.apiKey);
    expect(got.json).toMatchObject({ id: created.id, name: 'rotating', provider: 'github', verification: {}, response: { status: 200, body: '{"ok":true}' } });
    expect(JSON.stringify(got.json)).not.toContain('old-secret');
    expect(got.json.url).toBeUndefined();
    const listed = await call('GET', `${api}/v1/sources?limit=250`, tenant.apiKey);
    expect(listed.json.data.map((s: { id: string }) => s.id)).toContain(created.id);
    const patched = await call('PATCH', `${api}/v1/sources/${created.id}`, tenant.apiKey, { name: 'renamed', eventType: 'gh.fixed' });
    expect(patched.json).toMatchObject({ name: 'renamed', eventType: 'gh.fixed' });
    const stored = await world.pool.query('SELECT secrets::text AS s, token_hash FROM sources WHERE id = $1', [created.id]);
    expect(stored.rows[0].s).not.toContain('old-secret');

    const body = '{"n":1}';
    const signedBy = (secret: string) => ({ 'x-hub-signature-256': `sha256=${hmac('sha256', secret, body, 'hex')}` });
    const rotated = await call('POST', `${api}/v1/sources/${created.id}/secret/rotate`, tenant.apiKey, { secret: 'new-secret' });
    expect(rotated.json).toEqual({ secret: 'new-secret' });
    const byOld = await post(created.url, body, signedBy('old-secret'));
    const byNew = await post(created.url, body, signedBy('new-secret'));
    expect([byOld.status, byNew.status]).toEqual([200, 200]);
    expect(byNew.json).toEqual({ ok: true });
    expect((await post(created.url, body, signedBy('other'))).status).toBe(401);
    // A second rotation drops nothing still in its grace period, so the first two still verify.
    const generated = await call('POST', `${api}/v1/sources/${created.id}/secret/rotate`, tenant.apiKey, {});
    expect(generated.json.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await post(created.url, body, signedBy(generated.json.secret))).status).toBe(200);
    expect((await post(created.url, body, signedBy('old-secret'))).status).toBe(200);

    const newToken = await call('POST', `${api}/v1/sources/${created.id}/token/rotate`, tenant.apiKey);
    expect(newToken.status).toBe(200);
    expect(newToken.json.url).not.toBe(created.url);
    expect((await post(created.url, body, signedBy('new-secret'))).status).toBe(404);
    expect((await post(newToken.json.url, body, signedBy('new-secret'))).status).toBe(200);

    expect((await call('DELETE', `${api}/v1/sources/${created.id}`, tenant.apiKey)).status).toBe(204);
    expect((await post(newToken.json.url, body, signedBy('new-secret'))).status).toBe(404);
    expect((await call('GET', `${api}/v1/sources/${created.id}`, tenant.apiKey)).status).toBe(404);
  });

  it('without an application, events go to the default application; another tenant cannot see or use a source', { timeout: 60_000 }, async () => {
    const defaultEndpoint = (await call('POST', `${api}/v1/endpoints`, tenant.apiKey, { url: receiver.url('/default') })).json as { id: string; secret: string };
    await waitFor(async () => (dispatcher?.dispatcher ? true : false), { timeoutMs: 1_000, description: 'dispatcher running' });
    const source = (await call('POST', `${api}/v1/sources`, tenant.apiKey, { name: 'default app', provider: 'none', eventType: 'default.thing' })).json;
    expect(source.applicationId).toBeNull();
    // The new endpoint reaches the running dispatcher's directory through PostgreSQL notifications: retry until delivered.
    let delivered: ReceivedRequest | undefined;
    await waitFor(async () => {
      const res = await post(source.url, JSON.stringify({ at: Date.now() }));
      expect(res.status).toBe(202);
      delivered = (await receiver.waitForRequests(1, { timeoutMs: 3_000, match: (r) => r.path === '/default' }).catch(() => []))[0];
      return delivered !== undefined;
    }, { timeoutMs: 30_000, description: 'delivered to the default application' });
    expect(new Webhook(defaultEndpoint.secret).verify(delivered!.body, delivered!.headers as Record<string, string>)).toMatchObject({ type: 'default.thing' });

    const other = await createTenant(api, world.env.ADMIN_TOKEN!, 'other');
    expect((await call('GET', `${api}/v1/sources/${source.id}`, other.apiKey)).status).toBe(404);
    expect((await call('GET', `${api}/v1/sources/${source.id}/requests`, other.apiKey)).status).toBe(404);
    expect((await call('POST', `${api}/v1/sources`, other.apiKey, { name: 'x', provider: 'none', application: 'inbound' })).status).toBe(404);
    expect((await call('GET', `${api}/v1/sources`, other.apiKey)).json.data).toEqual([]);
  });

  it('a signed body PostgreSQL could not store as is (U+0000, an unpaired surrogate) is accepted, logged and delivered as base64', { timeout: 60_000 }, async () => {
    const secret = 'whsec_hostile';
    const source = await createSource({ name: 'hostile', provider: 'stripe', verification: { secret } });
    const body = '{"id":"evt_\\u0000\\ud800","type":"odd.event","data":{}}';
    const t = now();
    const res = await post(source.url, body, { 'stripe-signature': `t=${t},v1=${hmac('sha256', secret, `${t}.${body}`, 'hex')}` });
    expect(res.status).toBe(202);
    const [logged] = await requestsOf(source.id, 1);
    expect(logged).toMatchObject({ status: 202, verification: 'verified', deliveryId: 'evt_\ufffd\ufffd', eventType: 'odd.event' });
    expect(await deliveredOf(res.json.id)).toMatchObject({ type: 'odd.event', data: { contentType: 'application/json', base64: Buffer.from(body).toString('base64') } });
  });

  it('the request log is kept for SOURCE_REQUEST_RETENTION: older rows are deleted', async () => {
    const source = await createSource({ name: 'retention', provider: 'none', eventType: 'r' });
    expect((await post(source.url, '{}')).status).toBe(202);
    await requestsOf(source.id, 1);
    await world.pool.query("UPDATE source_requests SET received_at = now() - interval '8 days' WHERE source_id = $1", [source.id]);
    expect((await post(source.url, '{}')).status).toBe(202);
    await requestsOf(source.id, 2);
    const deleted = await new SourceRequestsRepository(world.pool).deleteOlderThan(new Date(Date.now() - 7 * 86_400_000));
    expect(deleted).toBe(1);
    expect(await requestsOf(source.id, 1)).toHaveLength(1);
  });

  it('the services logged no source token or verification secret', () => {
    const secrets = [...tokens, world.env.ENCRYPTION_KEY!, tenant.apiKey, endpoint.secret, 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'whsec_stripeTestSecret0123456789', "It's a Secret to Everybody"];
    expect(findSecrets(logs.text, secrets)).toEqual([]);
    console.log(`log scan: ${logs.lines.length} lines, ${tokens.length} source tokens, 0 found`);
  });
});
