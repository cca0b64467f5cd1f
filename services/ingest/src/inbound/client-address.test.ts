import { describe, expect, it } from 'vitest';
import { CidrSet, clientAddress, isCidr } from './client-address.ts';

describe('client address and allowlists', () => {
  it('matches IPv4, IPv6 and IPv4-mapped addresses against CIDRs', () => {
    const set = new CidrSet(['192.30.252.0/22', '2001:db8::/32', '10.0.0.1']);
    expect(set.has('192.30.253.7')).toBe(true);
    expect(set.has('::ffff:192.30.253.7')).toBe(true);
    expect(set.has('192.30.0.1')).toBe(false);
    expect(set.has('2001:db8::5')).toBe(true);
    expect(set.has('10.0.0.1')).toBe(true);
    expect(set.has('not an ip')).toBe(false);
    expect(['10.0.0.0/8', '::1', '2001:db8::/129', '10.0.0.0/33', 'x/8', '1.2.3.4/8/9'].map(isCidr)).toEqual([true, true, false, false, false, false]);
  });

  it('believes X-Forwarded-For only from trusted proxies, reading from the right', () => {
    const none = new CidrSet([]);
    const proxies = new CidrSet(['127.0.0.1', '10.0.0.0/8']);
    expect(clientAddress('127.0.0.1', '203.0.113.9', none)).toBe('127.0.0.1');
    expect(clientAddress('198.51.100.1', '203.0.113.9', proxies)).toBe('198.51.100.1');
    expect(clientAddress('127.0.0.1', '203.0.113.9', proxies)).toBe('203.0.113.9');
    // A client forging the header: its forged value is left of what the proxies appended.
    expect(clientAddress('::ffff:127.0.0.1', '192.30.252.1, 203.0.113.9, 10.1.1.1', proxies)).toBe('203.0.113.9');
  });
});
