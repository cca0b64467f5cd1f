import { createSocket, type Socket } from 'node:dgram';
import { DnsServer } from '@hookline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TargetChecker } from './target-checker.ts';

describe('TargetChecker (save time)', () => {
  let dns: DnsServer;
  let silent: Socket;
  beforeAll(async () => {
    dns = await DnsServer.start();
    dns.set('public.hookline.test', ['93.184.216.34']);
    dns.set('loopback.hookline.test', ['127.0.0.1']);
    dns.set('mixed.hookline.test', ['93.184.216.34', 'fd00::1']);
    silent = createSocket('udp4');
    await new Promise<void>((r) => silent.bind(0, '127.0.0.1', r));
  });
  afterAll(async () => {
    await dns.close();
    await new Promise<void>((r) => silent.close(() => r()));
  });

  const strict = () => new TargetChecker({ allowHttp: true, allowPrivate: false, allowlist: [], dnsServers: [dns.address] });

  it('refuses names that are or resolve to internal addresses, through DNS_SERVERS', async () => {
    const c = strict();
    expect(await c.problem('http://loopback.hookline.test/')).toMatch(/resolves to a disallowed address .*loopback/);
    expect(await c.problem('http://mixed.hookline.test/')).toMatch(/fd00::1 is unique local/);
    for (const host of ['localhost', 'localhost.', 'foo.localhost', 'a.b.localhost.']) expect(await c.problem(`http://${host}/`), host).toMatch(/loopback/);
    expect(await c.problem('http://[::ffff:0:127.0.0.1]/')).toMatch(/is a disallowed address/);
  });

  it('accepts public names, and names that do not resolve now (checked again at connect time)', async () => {
    const c = strict();
    expect(await c.problem('https://public.hookline.test/hooks')).toBeNull();
    expect(await c.problem('https://missing.hookline.test/hooks')).toBeNull();
  });

  it('does not wait on a DNS server that never answers longer than its lookup timeout', async () => {
    const c = new TargetChecker({ allowHttp: true, allowPrivate: false, allowlist: [], dnsServers: [`127.0.0.1:${silent.address().port}`], lookupTimeoutMs: 300 });
    const started = Date.now();
    expect(await c.problem('https://slow.hookline.test/')).toBeNull();
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('ALLOW_PRIVATE_TARGETS and TARGET_ALLOWLIST let internal targets through', async () => {
    expect(await new TargetChecker({ allowHttp: true, allowPrivate: true, allowlist: [] }).problem('http://localhost/')).toBeNull();
    const listed = new TargetChecker({ allowHttp: true, allowPrivate: false, allowlist: ['127.0.0.0/8', '::1'], dnsServers: [dns.address] });
    expect(await listed.problem('http://localhost./')).toBeNull();
    expect(await listed.problem('http://loopback.hookline.test/')).toBeNull();
  });
});
