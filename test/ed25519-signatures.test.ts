import { createPublicKey, verify as cryptoVerify } from 'node:crypto';
import { createTestWorld, Receiver, waitFor, type ReceivedRequest, type TestWorld } from '@hookline/testing';
import { Webhook } from 'standardwebhooks';
import nacl from 'tweetnacl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTenant, startPipeline, type Pipeline } from './support/pipeline.ts';

const GRACE_MS = 4_000;

/**
 * Checks a delivery's `v1a` signatures with a public key the way a receiver would, outside Hookline's code:
 * the Standard Webhooks content `<webhook-id>.<webhook-timestamp>.<body>`, each `v1a,<base64>` part checked by
 * tweetnacl (a pure-JS ed25519) and again by node:crypto with the key imported as a JWK. True when any part
 * verifies under both.
 */
function v1aVerifies(publicKey: string, req: ReceivedRequest): boolean {
  expect(publicKey).toMatch(/^whpk_[A-Za-z0-9+/]{43}=$/);
  const raw = Buffer.from(publicKey.slice('whpk_'.length), 'base64');
  const jwk = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
  const content = Buffer.from(`${req.headers['webhook-id']}.${req.headers['webhook-timestamp']}.${req.body}`);
  return String(req.headers['webhook-signature'])
    .split(' ')
    .filter((p) => p.startsWith('v1a,'))
    .some((p) => {
      const sig = Buffer.from(p.slice(4), 'base64');
      return sig.length === 64 && nacl.sign.detached.verify(content, sig, raw) && cryptoVerify(null, content, jwk, sig);
    });
}

const versions = (req: ReceivedRequest) => String(req.headers['webhook-signature']).split(' ').map((p) => p.split(',')[0]);

describe('ed25519 endpoints: v1a signatures a receiver verifies with the public key; rotation with overlap', () => {
  let world: TestWorld;
  let pipeline: Pipeline;
  let receiver: Receiver;
  let api: string;
  let tenant: { id: string; apiKey: string };

  beforeAll(async () => {
    world = createTestWorld('ed25519-signatures');
    receiver = await Receiver.start();
    pipeline = await startPipeline(world, { env: { SECRET_ROTATION_GRACE: `${GRACE_MS}ms` } });
    api = pipeline.api;
    tenant = await createTenant(api, world.env.ADMIN_TOKEN!);
  });
  afterAll(async () => {
    await pipeline?.stop();
    await receiver?.close();
    await world?.cleanup();
  });

  /** Publishes `type` until a delivery to `path` satisfies `ok` (the dispatcher follows endpoint changes within a second). */
  const deliveryWhere = (type: string, path: string, ok: (r: ReceivedRequest) => boolean, description: string) =>
    waitFor(async () => {
      const published = await call('POST', `${api}/v1/events`, tenant.apiKey, { type, data: { at: Date.now() } });
      const [got] = await receiver.waitForRequests(1, { match: (r) => r.headers['webhook-id'] === published.json.id && r.path === path, timeoutMs: 10_000 });
      return ok(got!) ? got : undefined;
    }, { timeoutMs: 20_000, intervalMs: 200, description });

  it('serves only the public key, signs v1a with it, and rotates with both keys signing during the grace', { timeout: 90_000 }, async () => {
    const created = await call('POST', `${api}/v1/endpoints`, tenant.apiKey, { url: receiver.url('/ed'), eventTypes: ['ed.event'], signatureScheme: 'ed25519' });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ signatureScheme: 'ed25519', publicKey: expect.stringMatching(/^whpk_/) });
    expect(created.json.secret).toBeUndefined();
    expect(JSON.stringify(created.json)).not.toContain('whsk_');
    const firstKey: string = created.json.publicKey;
    const shown = await call('GET', `${api}/v1/endpoints/${created.json.id}/secret`, tenant.apiKey);
    expect(shown.json).toEqual({ scheme: 'ed25519', publicKey: firstKey });
    expect((await call('GET', `${api}/v1/endpoints/${created.json.id}`, tenant.apiKey)).json.signatureScheme).toBe('ed25519');

    const first = await deliveryWhere('ed.event', '/ed', () => true, 'a delivery to the ed25519 endpoint');
    expect(versions(first)).toEqual(['v1a']);
    expect(v1aVerifies(firstKey, first)).toBe(true);
    // The signature covers the body: one changed byte fails.
    expect(v1aVerifies(firstKey, { ...first, body: first.body.replace('"ed.event"', '"ed.evenT"') })).toBe(false);

    const rotated = await call('POST', `${api}/v1/endpoints/${created.json.id}/secret/rotate`, tenant.apiKey, {});
    expect(rotated.status).toBe(200);
    expect(rotated.json).toEqual({ scheme: 'ed25519', publicKey: expect.stringMatching(/^whpk_/) });
    const secondKey: string = rotated.json.publicKey;
    expect(secondKey).not.toBe(firstKey);
    const rotatedAt = Date.now();
    expect((await call('GET', `${api}/v1/endpoints/${created.json.id}/secret`, tenant.apiKey)).json.publicKey).toBe(secondKey);

    // During the grace: two v1a signatures, one per key; each public key alone verifies the delivery.
    const overlap = await deliveryWhere('ed.event', '/ed', (r) => versions(r).length === 2, 'a delivery signed by both keys');
    expect(Date.now() - rotatedAt).toBeLessThan(GRACE_MS);
    expect(versions(overlap)).toEqual(['v1a', 'v1a']);
    expect(v1aVerifies(firstKey, overlap)).toBe(true);
    expect(v1aVerifies(secondKey, overlap)).toBe(true);

    // After the grace: only the new key signs.
    const after = await deliveryWhere('ed.event', '/ed', (r) => versions(r).length === 1 && Date.now() - rotatedAt > GRACE_MS, 'a delivery after the grace');
    expect(v1aVerifies(secondKey, after)).toBe(true);
    expect(v1aVerifies(firstKey, after)).toBe(false);
  });

  it('leaves HMAC endpoints as they were: v1 only, verified by standardwebhooks, secret shown as before', { timeout: 60_000 }, async () => {
    const hmac = await call('POST', `${api}/v1/endpoints`, tenant.apiKey, { url: receiver.url('/hmac'), eventTypes: ['hmac.event'] });
    expect(hmac.json).toMatchObject({ signatureScheme: 'hmac-sha256', secret: expect.stringMatching(/^whsec_/) });
    expect((await call('GET', `${api}/v1/endpoints/${hmac.json.id}/secret`, tenant.apiKey)).json).toEqual({ secret: hmac.json.secret });
    const got = await deliveryWhere('hmac.event', '/hmac', () => true, 'a delivery to the HMAC endpoint');
    expect(versions(got)).toEqual(['v1']);
    expect(new Webhook(hmac.json.secret).verify(got.body, got.headers as Record<string, string>)).toMatchObject({ type: 'hmac.event' });
  });

  it('accepts a supplied whsk_ key, refuses keys of the other scheme, and serves the same under an application', async () => {
    const seed = Buffer.alloc(32, 9).toString('base64');
    const supplied = await call('POST', `${api}/v1/endpoints`, tenant.apiKey, { url: receiver.url('/x'), signatureScheme: 'ed25519', secret: `whsk_${seed}` });
    expect(supplied.status).toBe(201);
    expect(supplied.json.publicKey).toMatch(/^whpk_/);
    // Stored like HMAC secrets: encrypted (SecretBox), so the table holds neither the key nor its seed bytes.
    const stored = (await world.pool.query<{ secrets: string }>(`SELECT secrets::text FROM "${world.schema}".endpoints WHERE id = $1`, [supplied.json.id])).rows[0]!.secrets;
    expect(stored).toMatch(/ciphertext/);
    for (const form of [seed, Buffer.alloc(32, 9).toString('hex'), 'whsk_']) expect(stored).not.toContain(form);

    const whsec = `whsec_${Buffer.alloc(32, 1).toString('base64')}`;
    const problems = [
      await call('POST', `${api}/v1/endpoints`, tenant.apiKey, { url: receiver.url('/x'), signatureScheme: 'ed25519', secret: whsec }),
      await call('POST', `${api}/v1/endpoints`, tenant.apiKey, { url: receiver.url('/x'), secret: `whsk_${seed}` }),
      await call('POST', `${api}/v1/endpoints/${supplied.json.id}/secret/rotate`, tenant.apiKey, { secret: whsec }),
      await call('POST', `${api}/v1/endpoints`, tenant.apiKey, { url: receiver.url('/x'), signatureScheme: 'rsa' }),
      await call('POST', `${api}/v1/endpoints`, tenant.apiKey, { url: receiver.url('/x'), signatureScheme: 'ed25519', secret: 'whsk_c2hvcnQ=' }),
      await call('PATCH', `${api}/v1/endpoints/${supplied.json.id}`, tenant.apiKey, { signatureScheme: 'hmac-sha256' }),
    ];
    for (const p of problems) {
      expect(p.status, JSON.stringify(p.json)).toBe(422);
      expect(p.headers['content-type']).toMatch(/application\/problem\+json/);
    }

    const app = await call('POST', `${api}/v1/applications`, tenant.apiKey, { name: 'Ed', uid: 'ed-app' });
    expect(app.status).toBe(201);
    const base = `${api}/v1/applications/ed-app/endpoints`;
    const inApp = await call('POST', base, tenant.apiKey, { url: receiver.url('/app'), signatureScheme: 'ed25519' });
    expect(inApp.status).toBe(201);
    expect((await call('GET', `${base}/${inApp.json.id}/secret`, tenant.apiKey)).json).toEqual({ scheme: 'ed25519', publicKey: inApp.json.publicKey });
    const rotated = await call('POST', `${base}/${inApp.json.id}/secret/rotate`, tenant.apiKey, {});
    expect(rotated.json).toEqual({ scheme: 'ed25519', publicKey: expect.stringMatching(/^whpk_/) });
    expect(rotated.json.publicKey).not.toBe(inApp.json.publicKey);
  });

  it('is in the OpenAPI document: the scheme on create and in the endpoint, the public key from the secret routes', async () => {
    const doc = (await call('GET', `${api}/openapi.json`)).json;
    for (const base of ['/v1/endpoints', '/v1/applications/{app}/endpoints']) {
      const create = JSON.stringify(doc.paths[base].post);
      expect(create, base).toContain('"signatureScheme"');
      expect(create, base).toMatch(/"enum":\["hmac-sha256","ed25519"\]/);
      expect(create, base).toContain('"publicKey"');
      for (const route of [doc.paths[`${base}/{id}/secret`].get, doc.paths[`${base}/{id}/secret/rotate`].post]) {
        expect(JSON.stringify(route.responses['200']), base).toContain('"publicKey"');
        expect(JSON.stringify(route.responses['200']), base).toContain('"const":"ed25519"');
      }
    }
  });
});
