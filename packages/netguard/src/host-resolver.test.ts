import { DnsServer } from '@hookline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHostResolver, isLocalhostName } from './host-resolver.ts';

describe('createHostResolver', () => {
  let dns: DnsServer;
  beforeAll(async () => {
    dns = await DnsServer.start();
  });
  afterAll(() => dns.close());

  it('IP literals stand for themselves, without a question', async () => {
    const resolve = createHostResolver({ servers: [dns.address] });
    expect(await resolve('10.0.0.1')).toEqual([{ address: '10.0.0.1', family: 4 }]);
    expect(await resolve('[::1]')).toEqual([{ address: '::1', family: 6 }]);
    expect(dns.queries).toHaveLength(0);
  });

  it('localhost names are loopback whatever DNS would say (RFC 6761)', async () => {
    dns.set('evil.localhost', ['93.184.216.34']);
    const resolve = createHostResolver({ servers: [dns.address] });
    for (const name of ['localhost', 'LOCALHOST', 'localhost.', 'evil.localhost', 'a.b.localhost.']) {
      expect((await resolve(name)).map((a) => a.address), name).toEqual(['127.0.0.1', '::1']);
    }
    expect(dns.queries).toHaveLength(0);
    expect(isLocalhostName('localhost.example.com')).toBe(false);
    expect(isLocalhostName('notlocalhost')).toBe(false);
  });

  it('asks DNS_SERVERS for A and AAAA, every time (no cache), and rejects a name without addresses', async () => {
    dns.set('both.hookline.test', ['93.184.216.34', '2606:4700:4700::1111']);
    dns.set('rebind.hookline.test', ['93.184.216.34'], ['127.0.0.1']);
    dns.set('empty.hookline.test', []);
    const resolve = createHostResolver({ servers: [dns.address] });
    expect(await resolve('both.hookline.test')).toEqual([{ address: '93.184.216.34', family: 4 }, { address: '2606:4700:4700::1111', family: 6 }]);
    expect(await resolve('rebind.hookline.test')).toEqual([{ address: '93.184.216.34', family: 4 }]);
    expect(await resolve('rebind.hookline.test')).toEqual([{ address: '127.0.0.1', family: 4 }]);
    expect(dns.asked('rebind.hookline.test', 'A')).toBe(2);
    await expect(resolve('empty.hookline.test')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    await expect(resolve('missing.hookline.test')).rejects.toMatchObject({ code: 'ENOTFOUND' });
  });

  it('without servers, uses the system resolver (/etc/hosts)', async () => {
    const addresses = (await createHostResolver()('localhost')).map((a) => a.address);
    expect(addresses).toContain('127.0.0.1');
  });
});
