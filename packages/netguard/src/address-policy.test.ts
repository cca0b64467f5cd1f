import { describe, expect, it } from 'vitest';
import { AddressPolicy, ipv6Groups } from './address-policy.ts';

const strict = new AddressPolicy({ allowPrivate: false });

/** URL host forms (as a user could write them) that must all be refused: the URL parser canonicalises them. */
const refusedHosts = [
  '127.0.0.1', '127.1', '127.0.1', '2130706433', '017700000001', '0x7f000001', '0x7f.0.0.1', '0177.0.0.1', '0x7f.1',
  '127.255.255.254', '0.0.0.0', '0', '10.0.0.1', '10.255.255.255', '012.1.2.3', '172.16.0.1', '172.31.255.255',
  '192.168.0.1', '192.168.1.1', '0xc0a80101', '3232235777', '169.254.169.254', '169.254.0.1', '0xa9fea9fe', '2852039166',
  '100.64.0.1', '100.100.100.200', '224.0.0.1', '239.255.255.250', '255.255.255.255', '240.0.0.1', '198.18.0.1', '192.0.2.1',
  '[::1]', '[::]', '[0:0:0:0:0:0:0:1]', '[::ffff:127.0.0.1]', '[::ffff:7f00:1]', '[::ffff:10.0.0.1]', '[::ffff:169.254.169.254]',
  '[::ffff:a9fe:a9fe]', '[::127.0.0.1]', '[64:ff9b::127.0.0.1]', '[64:ff9b::a9fe:a9fe]', '[2002:7f00:1::]', '[2002:a9fe:a9fe::1]',
  '[::ffff:0:127.0.0.1]', '[::ffff:0:a9fe:a9fe]', '[64:ff9b:1::7f00:1]', '[64:ff9b:1::a00:1]', '[2001:0:4136:e378:8000:63bf:80ff:fffe]',
  '[2001:2::1]', '[fe80::1]', '[fc00::1]', '[fd00:ec2::254]', '[fd12:3456::1]', '[ff02::1]', '[ff05::2]', '[fec0::1]', '[2001:db8::1]',
];

const allowedHosts = ['8.8.8.8', '1.1.1.1', '93.184.216.34', '172.32.0.1', '192.169.0.1', '100.128.0.1', '[2606:4700:4700::1111]', '[::ffff:8.8.8.8]', '[2002:0808:0808::]'];

function hostAddress(host: string): string {
  return new URL(`http://${host}/`).hostname.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
}

describe('AddressPolicy', () => {
  it(`refuses ${refusedHosts.length} loopback/private/link-local/metadata/multicast forms`, () => {
    expect(refusedHosts.length).toBeGreaterThanOrEqual(30);
    for (const host of refusedHosts) expect(strict.check(hostAddress(host)), host).not.toBeNull();
  });

  it('accepts public addresses, including public IPv4 written as mapped or 6to4 IPv6', () => {
    for (const host of allowedHosts) expect(strict.check(hostAddress(host)), host).toBeNull();
  });

  it('names the reason', () => {
    expect(strict.check('169.254.169.254')).toMatch(/metadata/);
    expect(strict.check('::ffff:7f00:1')).toMatch(/loopback/);
    expect(strict.check('64:ff9b::a00:1')).toMatch(/NAT64|private/);
    expect(strict.check('not-an-ip')).toMatch(/not an IP/);
    expect(strict.check('::ffff:0:7f00:1')).toMatch(/embeds 127\.0\.0\.1: .*loopback/);
    expect(strict.check('64:ff9b:1::808:808')).toMatch(/local-use NAT64/);
    expect(strict.check('2001:0:4136:e378:8000:63bf:80ff:fffe')).toMatch(/Teredo/);
  });

  it('ALLOW_PRIVATE_TARGETS and TARGET_ALLOWLIST open exceptions', () => {
    expect(new AddressPolicy({ allowPrivate: true }).check('127.0.0.1')).toBeNull();
    const listed = new AddressPolicy({ allowPrivate: false, allowlist: ['10.1.0.0/16', '127.0.0.1', 'fd00::/8'] });
    expect(listed.check('10.1.2.3')).toBeNull();
    expect(listed.check('10.2.0.1')).not.toBeNull();
    expect(listed.check('127.0.0.1')).toBeNull();
    expect(listed.check('127.0.0.2')).not.toBeNull();
    expect(listed.check('fd00::5')).toBeNull();
  });

  it('expands IPv6 text', () => {
    expect(ipv6Groups('::1')).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
    expect(ipv6Groups('::ffff:1.2.3.4')).toEqual([0, 0, 0, 0, 0, 0xffff, 0x102, 0x304]);
    expect(ipv6Groups('1:2:3:4:5:6:7:8:9')).toBeNull();
  });
});

