import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EndpointsRepository, SecretBox } from '@hookline/db';
import { AddressPolicy } from '@hookline/netguard';
import { generateSecret } from '@hookline/signing';
import { createTestWorld, DnsServer, Receiver, waitFor, type TestWorld } from '@hookline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTenant, startPipeline, type Pipeline } from './support/pipeline.ts';

/**
 * SSRF, end to end: ingest refuses internal targets when an endpoint is saved, and the dispatcher refuses them
 * again at connect time (rows that got past the save: written into the table, or DNS rebinding), and never
 * follows a redirect. Names resolve through a DNS server of the test's own on 127.0.0.1 (DNS_SERVERS). Only
 * loopback is ever connected to: the one allowlisted address is the test's redirector on 127.0.0.3.
 */

/** Names the test's DNS server answers, and what they answer. */
const names: Record<string, string[]> = {
  'loopback.hookline.test': ['127.0.0.1'],
  'loopback6.hookline.test': ['::1'],
  'private.hookline.test': ['10.0.0.1'],
  'metadata.hookline.test': ['169.254.169.254'],
  'cgnat.hookline.test': ['100.64.0.1'],
  'mapped.hookline.test': ['::ffff:7f00:1'],
  'ula.hookline.test': ['fd00::1'],
  'mixed.hookline.test': ['93.184.216.34', '127.0.0.1'],
};

/** Host forms (as written in a URL, port-less) that must all be refused. */
const refusedHosts = [
  // loopback, in every IPv4 spelling the URL parser accepts
  '127.0.0.1', '127.0.0.2', '127.255.255.254', '127.1', '127.0.1', '2130706433', '0177.0.0.1', '017700000001', '0x7f.1', '0x7f000001',
  '0x7F.0x00.0x00.0x01', '127.0.0.1.', '１２７.０.０.１',
  // unspecified
  '0.0.0.0', '0', '[::]',
  // RFC 1918, CGNAT, link-local and the metadata service
  '10.0.0.1', '012.0.0.1', '172.16.0.1', '172.31.255.254', '192.168.1.1', '3232235777', '100.64.0.1', '100.127.255.254',
  '169.254.169.254', '169.254.0.1', '0xa9fea9fe', '2852039166',
  // multicast and broadcast
  '224.0.0.1', '255.255.255.255',
  // IPv6 loopback, unique local, link-local, multicast
  '[::1]', '[0:0:0:0:0:0:0:1]', '[fc00::1]', '[fd00::1]', '[fd00:ec2::254]', '[fe80::1]', '[FE80::abcd:1]', '[ff02::1]',
  // IPv4 inside IPv6: mapped, compatible, translated (SIIT), NAT64 (well-known and local-use), 6to4, Teredo
  '[::ffff:127.0.0.1]', '[::ffff:7f00:1]', '[::ffff:169.254.169.254]', '[::ffff:10.0.0.1]', '[::127.0.0.1]', '[::ffff:0:127.0.0.1]',
  '[64:ff9b::127.0.0.1]', '[64:ff9b::a9fe:a9fe]', '[64:ff9b:1::a00:1]', '[2002:7f00:1::1]', '[2001:0:4136:e378:8000:63bf:80ff:fffe]',
  // localhost names (RFC 6761), also as IDNA text
  'localhost', 'LOCALHOST', 'localhost.', 'foo.localhost', 'a.b.localhost.', 'ⓛⓞⓒⓐⓛⓗⓞⓢⓣ',
  // DNS names answering internal addresses (one of two is enough)
  ...Object.keys(names),
];

/** URLs refused when saved: every host form, some with a path, a port or https. */
const refusedUrls = [
  ...refusedHosts.map((h) => `http://${h}/`),
  'http://169.254.169.254/latest/meta-data',
  'http://169.254.169.254/computeMetadata/v1/',
  'http://127.0.0.1:8080/hooks',
  'http://[::1]:443/',
  'https://127.0.0.1/',
  'https://localhost/',
];

/**
 * Targets rows are written for straight into the endpoints table (past the save-time check), delivered to on the
 * receiver's port. Each one's addresses are checked against the policy before anything is published, so no
 * non-loopback address is ever connected to even if the dispatcher's guard were broken.
 */
const connectHosts = [
  '127.0.0.1', '127.0.0.2', '127.1', '2130706433', '0177.0.0.1', '0x7f.1', '0.0.0.0', '0', '[::]', '[::1]',
  '[::ffff:127.0.0.1]', '[::127.0.0.1]', '[::ffff:0:127.0.0.1]', '[64:ff9b::127.0.0.1]', '[64:ff9b::a9fe:a9fe]', '[64:ff9b:1::a00:1]',
  '[2002:7f00:1::1]', '10.0.0.1', '172.16.0.1', '192.168.1.1', '100.64.0.1', '169.254.169.254', '[fd00::1]', '[fe80::1]', '[fd00:ec2::254]',
  'localhost', 'localhost.', 'foo.localhost', 'loopback.hookline.test', 'loopback6.hookline.test', 'private.hookline.test',
  'metadata.hookline.test', 'cgnat.hookline.test', 'mapped.hookline.test', 'ula.hookline.test',
  '127.255.255.254', '0x7f000001', '017700000001', '0x7F.0x00.0x00.0x01', '127.0.0.1.', '１２７.０.０.１', '3232235777', '0xa9fea9fe',
  '172.31.255.254', '[::ffff:7f00:1]', '[0:0:0:0:0:0:0:1]', '[::ffff:169.254.169.254]', '[::ffff:10.0.0.1]', '[fc00::1]',
  'LOCALHOST', 'a.b.localhost.', 'ⓛⓞⓒⓐⓛⓗⓞⓢⓣ',
];

const strict = new AddressPolicy({ allowPrivate: false });

describe('SSRF: internal targets refused when saved, at connect time, and through redirects', () => {
  let world: TestWorld;
  let pipeline: Pipeline;
  let dns: DnsServer;
  let receiver: Receiver;
  let redirector: Server;
  let redirectorPort = 0;
  let receiverPort = '';
  let api: string;
  let tenant: { id: string; apiKey: string };

  beforeAll(async () => {
    dns = await DnsServer.start();
    for (const [name, addresses] of Object.entries(names)) dns.set(name, addresses);
    receiver = await Receiver.start();
    receiverPort = new URL(receiver.url()).port;
    // The one target the policy lets through (TARGET_ALLOWLIST): it answers every request with a redirect to the receiver.
    redirector = createServer((req, res) => {
      const to = req.url === '/to-mapped' ? `http://[::ffff:127.0.0.1]:${receiverPort}/internal` : `${receiver.url('/internal')}`;
      res.writeHead(req.url === '/to-mapped' ? 307 : 302, { location: to }).end();
    });
    await new Promise<void>((r) => redirector.listen(0, '127.0.0.3', r));
    redirectorPort = (redirector.address() as AddressInfo).port;
    world = createTestWorld('ssrf');
    pipeline = await startPipeline(world, {
      env: {
        ALLOW_HTTP_TARGETS: 'true',
        ALLOW_PRIVATE_TARGETS: 'false',
        TARGET_ALLOWLIST: '127.0.0.3/32',
        DNS_SERVERS: dns.address,
        RETRY_SCHEDULE: '100ms',
        ENDPOINT_DISABLE_AFTER: '1h',
      },
    });
    api = pipeline.api;
    tenant = await createTenant(api, world.env.ADMIN_TOKEN!, 'ssrf');
  });

  afterAll(async () => {
    await pipeline?.stop();
    await new Promise<void>((r) => (redirector ? redirector.close(() => r()) : r()));
    await receiver?.close();
    await dns?.close();
    await world?.cleanup();
  });

  const expectUrlRefused = (res: { status: number; headers: Record<string, unknown>; json: any }, url: string) => {
    expect(res.status, url).toBe(422);
    expect(res.headers['content-type'], url).toMatch(/^application\/problem\+json/);
    expect(res.json.errors, url).toEqual([expect.objectContaining({ path: 'url', message: expect.stringMatching(/disallowed address/) })]);
  };

  it(`refuses ${refusedUrls.length} internal URL forms on POST and PATCH /v1/endpoints with 422 naming url`, async () => {
    expect(new Set(refusedUrls).size).toBeGreaterThanOrEqual(40);
    // A name that does not resolve is accepted (checked again at connect time); disabled, it is never delivered to.
    const kept = await call('POST', `${api}/v1/endpoints`, tenant.apiKey, { url: 'http://unresolved.hookline.test/kept', disabled: true });
    expect(kept.status).toBe(201);
    for (const url of refusedUrls) {
      expectUrlRefused(await call('POST', `${api}/v1/endpoints`, tenant.apiKey, { url, eventTypes: ['ssrf.saved'] }), `POST ${url}`);
      expectUrlRefused(await call('PATCH', `${api}/v1/endpoints/${kept.json.id}`, tenant.apiKey, { url }), `PATCH ${url}`);
    }
    const list = await call('GET', `${api}/v1/endpoints`, tenant.apiKey);
    expect(list.json.data.map((e: { url: string }) => e.url)).toEqual(['http://unresolved.hookline.test/kept']);
    // The names were asked of the test's DNS server, not of the machine's resolver.
    expect(dns.asked('loopback.hookline.test', 'A')).toBeGreaterThanOrEqual(1);
  });

  it(`blocks ${connectHosts.length} internal targets at connect time (rows written past the check): ssrf_blocked, nothing sent`, async () => {
    for (const host of connectHosts) {
      const bare = new URL(`http://${host}/`).hostname.replace(/^\[|\]$/g, '');
      const addresses = names[bare] ?? (/localhost\.?$/.test(bare) ? ['127.0.0.1', '::1'] : [bare]);
      for (const a of addresses) expect(strict.check(a), `${host} → ${a} must be refused before anything is published`).not.toBeNull();
    }
    const repo = new EndpointsRepository(world.pool, new SecretBox(world.env.ENCRYPTION_KEY!));
    const rows = new Map<string, string>();
    for (const host of connectHosts) {
      const e = await repo.create(tenant.id, { url: `http://${host}:${receiverPort}/connect`, secret: generateSecret(), eventTypes: ['ssrf.connect'] });
      rows.set(e.id, host);
    }
    await waitFor(() => [...rows.keys()].every((id) => pipeline.dispatcher!.subscribed(tenant.id, 'ssrf.connect').includes(id)), {
      timeoutMs: 5_000,
      description: 'the dispatcher to see every endpoint',
    });
    const event = await call('POST', `${api}/v1/events`, tenant.apiKey, { type: 'ssrf.connect', data: {} });
    expect(event.status).toBe(202);
    const attempts = await waitFor(
      async () => {
        const res = await call('GET', `${api}/v1/events/${event.json.id}/attempts`, tenant.apiKey);
        return res.status === 200 && res.json.data.length >= rows.size ? (res.json.data as Array<{ endpointId: string; outcome: string; error: string }>) : undefined;
      },
      { timeoutMs: 30_000, description: `${rows.size} attempts recorded` },
    );
    expect(attempts).toHaveLength(rows.size);
    for (const a of attempts) expect([rows.get(a.endpointId), a.outcome, a.error]).toEqual([rows.get(a.endpointId), 'ssrf_blocked', expect.any(String)]);
    expect(new Set(attempts.map((a) => a.endpointId)).size).toBe(rows.size);
    expect(receiver.requests).toHaveLength(0);
  });

  it('DNS rebinding: a name public when saved and loopback when delivered is blocked on the address connected to', async () => {
    dns.set('rebind.hookline.test', ['93.184.216.34'], ['127.0.0.1']);
    const ep = await call('POST', `${api}/v1/endpoints`, tenant.apiKey, { url: `http://rebind.hookline.test:${receiverPort}/rebind`, eventTypes: ['ssrf.rebind'] });
    expect(ep.status).toBe(201);
    // The save spent the public answer: every later question answers 127.0.0.1 (nothing ever connects to the public one).
    expect(dns.asked('rebind.hookline.test', 'A')).toBe(1);
    await waitFor(() => pipeline.dispatcher!.subscribed(tenant.id, 'ssrf.rebind').includes(ep.json.id), { timeoutMs: 5_000 });
    const event = await call('POST', `${api}/v1/events`, tenant.apiKey, { type: 'ssrf.rebind', data: {} });
    const [attempt] = await waitFor(async () => {
      const res = await call('GET', `${api}/v1/events/${event.json.id}/attempts`, tenant.apiKey);
      return res.status === 200 && res.json.data.length > 0 ? (res.json.data as Array<{ outcome: string; error: string }>) : undefined;
    }, { timeoutMs: 30_000, description: 'the rebinding attempt' });
    expect(attempt).toMatchObject({ outcome: 'ssrf_blocked', error: expect.stringMatching(/rebind\.hookline\.test resolves to 127\.0\.0\.1/) });
    expect(dns.asked('rebind.hookline.test', 'A')).toBeGreaterThanOrEqual(2);
    expect(receiver.requests).toHaveLength(0);
  });

  it('never follows a redirect to an internal address: the 3xx is the attempt', async () => {
    const eps: string[] = [];
    for (const path of ['/to-loopback', '/to-mapped']) {
      const ep = await call('POST', `${api}/v1/endpoints`, tenant.apiKey, { url: `http://127.0.0.3:${redirectorPort}${path}`, eventTypes: ['ssrf.redirect'] });
      expect(ep.status, path).toBe(201);
      eps.push(ep.json.id);
    }
    await waitFor(() => eps.every((id) => pipeline.dispatcher!.subscribed(tenant.id, 'ssrf.redirect').includes(id)), { timeoutMs: 5_000 });
    const event = await call('POST', `${api}/v1/events`, tenant.apiKey, { type: 'ssrf.redirect', data: {} });
    // One attempt and one retry (RETRY_SCHEDULE=100ms) for each, then dead.
    const attempts = await waitFor(async () => {
      const res = await call('GET', `${api}/v1/events/${event.json.id}/attempts`, tenant.apiKey);
      return res.status === 200 && res.json.data.length >= 4 ? (res.json.data as Array<{ endpointId: string; outcome: string; statusCode: number }>) : undefined;
    }, { timeoutMs: 30_000, description: 'two attempts on each redirecting endpoint' });
    expect(attempts.map((a) => [a.outcome, a.statusCode]).sort()).toEqual([['http_error', 302], ['http_error', 302], ['http_error', 307], ['http_error', 307]]);
    expect(receiver.requests).toHaveLength(0);
  });
});
