import { BlockList, isIP } from 'node:net';

/** A set of CIDRs (IPv4 and IPv6; an address without a prefix length is one host). */
export class CidrSet {
  readonly #list = new BlockList();
  readonly size: number;

  constructor(cidrs: readonly string[]) {
    for (const cidr of cidrs) {
      const [addr = '', bits] = cidr.split('/');
      const type = isIP(addr) === 6 ? 'ipv6' : 'ipv4';
      this.#list.addSubnet(addr, bits === undefined ? (type === 'ipv6' ? 128 : 32) : Number(bits), type);
    }
    this.size = cidrs.length;
  }

  /** True when `address` is in one of the CIDRs (an IPv4-mapped IPv6 address counts as its IPv4 address). */
  has(address: string): boolean {
    const ip = unmapped(address);
    const family = isIP(ip);
    if (family === 0) return false;
    return this.#list.check(ip, family === 6 ? 'ipv6' : 'ipv4');
  }
}

/** `::ffff:1.2.3.4` (how a dual-stack socket shows IPv4 clients) as `1.2.3.4`. */
export function unmapped(address: string): string {
  const m = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  return m ? m[1]! : address;
}

/** True when `cidr` is an IPv4 or IPv6 CIDR (or a single address) with a prefix length in range. */
export function isCidr(cidr: string): boolean {
  const [addr = '', bits, extra] = cidr.split('/');
  if (extra !== undefined) return false;
  const family = isIP(addr);
  if (family === 0) return false;
  if (bits === undefined) return true;
  if (!/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (family === 6 ? 128 : 32);
}

/**
 * The client's address: the connection's, unless it is a trusted proxy; then `X-Forwarded-For` is read from the
 * right, skipping trusted proxies, and the first address that is not one is the client (what a client writes in
 * the header itself sits to the left of what its proxies appended, so it is never believed).
 */
export function clientAddress(socketAddress: string, forwardedFor: string | undefined, trusted: CidrSet): string {
  const peer = unmapped(socketAddress);
  if (trusted.size === 0 || !trusted.has(peer) || !forwardedFor) return peer;
  const hops = forwardedFor.split(',').map((h) => unmapped(h.trim())).filter((h) => h.length > 0);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!;
    if (isIP(hop) === 0) return peer;
    if (!trusted.has(hop)) return hop;
  }
  return hops[0] ?? peer;
}
