import { BlockList, isIP } from 'node:net';

/** Why an address is refused, or null when it may be connected to. */
export type AddressVerdict = string | null;

const blockedV4: Array<[string, number, string]> = [
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'shared address space'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local/metadata'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'IETF protocol assignments'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.88.99.0', 24, '6to4 relay'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved/broadcast'],
];

const blockedV6: Array<[string, number, string]> = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['64:ff9b:1::', 48, 'local-use NAT64'],
  ['100::', 64, 'discard'],
  ['2001::', 32, 'Teredo tunnel'],
  ['2001:2::', 48, 'benchmarking'],
  ['2001:db8::', 32, 'documentation'],
  ['fc00::', 7, 'unique local (private)'],
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'site-local'],
  ['ff00::', 8, 'multicast'],
];

/** Prefixes of IPv6 ranges that embed an IPv4 address in their last 32 bits (IPv4-compatible, SIIT, NAT64). */
const embedsV4InTail = [
  { prefix: [0, 0, 0, 0, 0, 0], name: 'IPv4-compatible' },
  { prefix: [0, 0, 0, 0, 0xffff, 0], name: 'IPv4-translated (SIIT)' },
  { prefix: [0x64, 0xff9b, 0, 0, 0, 0], name: 'NAT64' },
];

/** Expands an IPv6 text (with an optional dotted IPv4 tail) into its 8 16-bit groups. */
export function ipv6Groups(text: string): number[] | null {
  let t = text.toLowerCase().replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(t);
  if (v4) {
    const b = v4.slice(1).map(Number);
    t = t.slice(0, v4.index) + `${((b[0]! << 8) | b[1]!).toString(16)}:${((b[2]! << 8) | b[3]!).toString(16)}`;
  }
  const [head, tail] = t.includes('::') ? t.split('::') : [t, undefined];
  const h = head ? head.split(':') : [];
  const tl = tail === undefined ? [] : tail ? tail.split(':') : [];
  const fill = tail === undefined ? 0 : 8 - h.length - tl.length;
  if (fill < 0) return null;
  const groups = [...h, ...Array<string>(fill).fill('0'), ...tl].map((g) => parseInt(g, 16));
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : null;
}

const v4FromGroups = (hi: number, lo: number) => `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;

/**
 * The SSRF policy, checked against every address a delivery would connect to (after DNS resolution, so a
 * name that resolves to a private address is refused as well). Loopback, private, link-local (including the
 * 169.254.169.254 metadata service), multicast, unspecified, documentation and reserved ranges are refused —
 * also when written as IPv4-mapped, IPv4-compatible, IPv4-translated, NAT64 or 6to4 IPv6; local-use NAT64
 * (64:ff9b:1::/48) and Teredo tunnels (2001::/32) are refused whole — unless private targets are allowed
 * or the address is in the allowlist.
 */
export class AddressPolicy {
  readonly #blocked = new BlockList();
  readonly #allowed = new BlockList();
  readonly #reasons: Array<{ list: BlockList; reason: string }> = [];
  readonly #allowPrivate: boolean;

  constructor(opts: { allowPrivate: boolean; allowlist?: readonly string[] }) {
    this.#allowPrivate = opts.allowPrivate;
    for (const [net, bits, reason] of blockedV4) this.#add(net, bits, 'ipv4', reason);
    for (const [net, bits, reason] of blockedV6) this.#add(net, bits, 'ipv6', reason);
    for (const cidr of opts.allowlist ?? []) {
      const [addr = '', bits] = cidr.split('/');
      const type = isIP(addr) === 6 ? 'ipv6' : 'ipv4';
      this.#allowed.addSubnet(addr, bits === undefined ? (type === 'ipv6' ? 128 : 32) : Number(bits), type);
    }
  }

  #add(net: string, bits: number, type: 'ipv4' | 'ipv6', reason: string): void {
    this.#blocked.addSubnet(net, bits, type);
    const one = new BlockList();
    one.addSubnet(net, bits, type);
    this.#reasons.push({ list: one, reason });
  }

  /** The reason `address` (an IP literal) is refused, or null. Anything that is not an IP is refused. */
  check(address: string): AddressVerdict {
    const ip = address.replace(/^\[|\]$/g, '');
    const family = isIP(ip);
    if (family === 0) return `"${address}" is not an IP address`;
    const type = family === 6 ? 'ipv6' : 'ipv4';
    if (this.#allowed.check(ip, type)) return null;
    if (this.#allowPrivate) return null;
    const embedded = family === 6 ? this.#embeddedV4(ip) : null;
    if (embedded !== null) {
      const inner = this.check(embedded);
      if (inner !== null) return `${address} embeds ${embedded}: ${inner}`;
    }
    if (!this.#blocked.check(ip, type)) return null;
    const reason = this.#reasons.find((r) => r.list.check(ip, type))?.reason ?? 'private';
    return `${address} is ${reason}`;
  }

  #embeddedV4(ip: string): string | null {
    const g = ipv6Groups(ip);
    if (!g) return null;
    for (const { prefix } of embedsV4InTail) if (prefix.every((p, i) => g[i] === p)) return v4FromGroups(g[6]!, g[7]!);
    if (g[0] === 0x2002) return v4FromGroups(g[1]!, g[2]!); // 6to4
    return null;
  }
}
