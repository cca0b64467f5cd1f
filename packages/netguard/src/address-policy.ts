import { BlockList, isIP } from 'node:net';

/** Why an address is not a public internet address. */
export type AddressClass =
  | 'public'
  | 'loopback'
  | 'private'
  | 'link_local'
  | 'multicast'
  | 'unspecified'
  | 'metadata'
  | 'reserved'
  | 'invalid';

const ranges: Array<[AddressClass, 'ipv4' | 'ipv6', string, number]> = [
  ['metadata', 'ipv4', '169.254.169.254', 32],
  ['metadata', 'ipv4', '100.100.100.200', 32],
  ['metadata', 'ipv6', 'fd00:ec2::254', 128],
  ['unspecified', 'ipv4', '0.0.0.0', 8],
  ['loopback', 'ipv4', '127.0.0.0', 8],
  ['private', 'ipv4', '10.0.0.0', 8],
  ['private', 'ipv4', '172.16.0.0', 12],
  ['private', 'ipv4', '192.168.0.0', 16],
  ['private', 'ipv4', '100.64.0.0', 10],
  ['link_local', 'ipv4', '169.254.0.0', 16],
  ['reserved', 'ipv4', '192.0.0.0', 24],
  ['reserved', 'ipv4', '192.0.2.0', 24],
  ['reserved', 'ipv4', '198.18.0.0', 15],
  ['reserved', 'ipv4', '198.51.100.0', 24],
  ['reserved', 'ipv4', '203.0.113.0', 24],
  ['multicast', 'ipv4', '224.0.0.0', 4],
  ['reserved', 'ipv4', '240.0.0.0', 4],
  ['unspecified', 'ipv6', '::', 128],
  ['loopback', 'ipv6', '::1', 128],
  ['private', 'ipv6', 'fc00::', 7],
  ['link_local', 'ipv6', 'fe80::', 10],
  ['multicast', 'ipv6', 'ff00::', 8],
  ['reserved', 'ipv6', '2001:db8::', 32],
  ['reserved', 'ipv6', '100::', 64],
];

const lists = new Map<AddressClass, BlockList>();
for (const [cls, family, net, prefix] of ranges) {
  const list = lists.get(cls) ?? new BlockList();
  list.addSubnet(net, prefix, family);
  lists.set(cls, list);
}

/** The IPv4 address embedded in an IPv4-mapped (`::ffff:a.b.c.d`) or IPv4-compatible IPv6 address. */
function embeddedIpv4(ipv6: string): string | undefined {
  const m = /^(?:0{0,4}:){0,5}(?::|(?:0{0,4}:)?ffff:)((?:\d{1,3}\.){3}\d{1,3})$/i.exec(ipv6);
  if (m) return m[1];
  const hex = /^(?:0{0,4}:){0,5}(?::|(?:0{0,4}:)?ffff:)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(ipv6);
  if (!hex) return undefined;
  const hi = Number.parseInt(hex[1]!, 16);
  const lo = Number.parseInt(hex[2]!, 16);
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.');
}

/**
 * Classifies a resolved IP address (the text form a resolver returns). IPv4-mapped IPv6 addresses are judged by
 * the IPv4 address inside. Order matters: metadata addresses are reported as such, not as link-local.
 */
export function classifyAddress(address: string): AddressClass {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(bare);
  if (family === 0) return 'invalid';
  if (family === 6) {
    const v4 = embeddedIpv4(bare);
    if (v4 && isIP(v4) === 4) return classifyAddress(v4);
  }
  const type = family === 4 ? 'ipv4' : 'ipv6';
  for (const cls of ['metadata', 'unspecified', 'loopback', 'private', 'link_local', 'multicast', 'reserved'] as const) {
    if (lists.get(cls)?.check(bare, type)) return cls;
  }
  return 'public';
}

/** Parses `TARGET_ALLOWLIST`-style CIDRs (`10.1.0.0/16,fd00::/8,192.168.1.5`) into a block list. */
export function parseAllowlist(cidrs: string): BlockList {
  const list = new BlockList();
  for (const raw of cidrs.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [net, prefix] = raw.split('/');
    const family = isIP(net ?? '');
    if (family === 0) throw new Error(`"${raw}" is not an IP address or CIDR`);
    const bits = prefix === undefined ? (family === 4 ? 32 : 128) : Number(prefix);
    if (!Number.isInteger(bits) || bits < 0 || bits > (family === 4 ? 32 : 128)) throw new Error(`"${raw}" has a bad prefix length`);
    list.addSubnet(net!, bits, family === 4 ? 'ipv4' : 'ipv6');
  }
  return list;
}

/** The policy for outbound targets: which resolved addresses may be connected to. */
export interface TargetPolicy {
  allowPrivate: boolean;
  allowlist?: BlockList;
}

/** Null when the address may be used, else the reason it is refused. */
export function refusalFor(address: string, policy: TargetPolicy): string | null {
  const cls = classifyAddress(address);
  if (cls === 'invalid') return `${address} is not an IP address`;
  if (cls === 'public' || policy.allowPrivate) return null;
  const bare = address.replace(/^\[|\]$/g, '');
  const v4 = isIP(bare) === 6 ? embeddedIpv4(bare) : undefined;
  if (policy.allowlist?.check(v4 ?? bare, isIP(v4 ?? bare) === 4 ? 'ipv4' : 'ipv6')) return null;
  return `${address} is a ${cls.replace('_', '-')} address`;
}
