import { describe, expect, it } from 'vitest';
import { classifyAddress, parseAllowlist, refusalFor } from './address-policy.ts';

describe('classifyAddress', () => {
  it.each([
    ['8.8.8.8', 'public'],
    ['2606:4700::1111', 'public'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['0:0:0:0:0:ffff:7f00:0001', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'private'],
    ['fc00::1', 'private'],
    ['fd12:3456::1', 'private'],
    ['::ffff:10.0.0.1', 'private'],
    ['169.254.1.1', 'link_local'],
    ['fe80::1', 'link_local'],
    ['fe80::1%eth0', 'link_local'],
    ['169.254.169.254', 'metadata'],
    ['::ffff:169.254.169.254', 'metadata'],
    ['fd00:ec2::254', 'metadata'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['192.0.2.1', 'reserved'],
    ['[::1]', 'loopback'],
    ['not-an-ip', 'invalid'],
    ['172.32.0.1', 'public'],
  ])('%s is %s', (ip, cls) => expect(classifyAddress(ip)).toBe(cls));
});

describe('refusalFor', () => {
  it('refuses non-public addresses unless private targets are allowed or allowlisted', () => {
    expect(refusalFor('10.0.0.5', { allowPrivate: false })).toMatch(/private/);
    expect(refusalFor('10.0.0.5', { allowPrivate: true })).toBeNull();
    expect(refusalFor('10.0.0.5', { allowPrivate: false, allowlist: parseAllowlist('10.0.0.0/24') })).toBeNull();
    expect(refusalFor('::ffff:10.0.0.5', { allowPrivate: false, allowlist: parseAllowlist('10.0.0.0/24') })).toBeNull();
    expect(refusalFor('10.0.1.5', { allowPrivate: false, allowlist: parseAllowlist('10.0.0.0/24') })).toMatch(/private/);
    expect(refusalFor('93.184.216.34', { allowPrivate: false })).toBeNull();
  });

  it('rejects malformed allowlists', () => {
    expect(() => parseAllowlist('10.0.0.0/33')).toThrow(/prefix/);
    expect(() => parseAllowlist('example.com')).toThrow(/not an IP/);
  });
});
