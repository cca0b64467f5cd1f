import { lookup } from 'node:dns/promises';
import { Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';

/** One address a host name resolves to. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name (or IP literal) to every address it stands for; rejects when it does not resolve. */
export type HostResolver = (hostname: string) => Promise<ResolvedAddress[]>;

/** The loopback addresses every `localhost` name stands for (RFC 6761 §6.3), whatever DNS or /etc/hosts say. */
const LOOPBACK: readonly ResolvedAddress[] = [
  { address: '127.0.0.1', family: 4 },
  { address: '::1', family: 6 },
];

/** True for `localhost` and every name under it (`a.localhost`), with or without the trailing dot. */
export function isLocalhostName(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost');
}

/** A DNS answer that means "no such address" rather than "DNS failed". */
const NO_ANSWER = new Set(['ENODATA', 'ENOTFOUND', 'ENONAME', 'ENOTIMP']);

/**
 * The resolver the SSRF checks use, at save time and at connect time alike. IP literals stand for themselves,
 * `localhost` names for loopback (so neither a missing /etc/hosts entry nor a DNS server can make them look
 * public). Other names go to `servers` (DNS over UDP, `DNS_SERVERS`: A and AAAA asked in parallel, no cache),
 * or to the system resolver (`getaddrinfo`, /etc/hosts included) when there are none.
 */
export function createHostResolver(opts: { servers?: readonly string[]; timeoutMs?: number } = {}): HostResolver {
  const timeoutMs = opts.timeoutMs ?? 2_000;
  let dns: Resolver | undefined;
  if (opts.servers && opts.servers.length > 0) {
    dns = new Resolver({ timeout: timeoutMs, tries: 2 });
    dns.setServers([...opts.servers]);
  }
  return async (hostname) => {
    const host = hostname.replace(/^\[|\]$/g, '');
    const family = isIP(host);
    if (family !== 0) return [{ address: host, family: family as 4 | 6 }];
    if (isLocalhostName(host)) return [...LOOPBACK];
    if (!dns) return (await lookup(host, { all: true, verbatim: true })).map((a) => ({ address: a.address, family: a.family as 4 | 6 }));
    const [v4, v6] = await Promise.all([answers(dns.resolve4(host), 4), answers(dns.resolve6(host), 6)]);
    const all = [...v4, ...v6];
    if (all.length === 0) throw Object.assign(new Error(`${host} did not resolve`), { code: 'ENOTFOUND', hostname: host });
    return all;
  };
}

async function answers(query: Promise<string[]>, family: 4 | 6): Promise<ResolvedAddress[]> {
  try {
    return (await query).map((address) => ({ address, family }));
  } catch (err) {
    if (NO_ANSWER.has((err as { code?: string }).code ?? '')) return [];
    throw err;
  }
}
