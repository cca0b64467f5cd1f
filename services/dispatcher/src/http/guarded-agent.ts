import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from 'node:dns';
import { isIP } from 'node:net';
import { Agent, buildConnector } from 'undici';
import type { AddressPolicy } from '@hookline/netguard';

/** Error code of a connection refused by the SSRF policy. */
export const SSRF_BLOCKED = 'HKL_DISPATCH_SSRF_BLOCKED';

/** A connection the SSRF policy refused; not retryable. */
export class SsrfBlockedError extends Error {
  readonly code = SSRF_BLOCKED;
  readonly retryable = false;
  constructor(message: string) {
    super(message);
    this.name = 'SsrfBlockedError';
  }
}

/** Resolves a host name to all its addresses (node's `dns.lookup` by default; tests inject their own). */
export type Resolver = (hostname: string, options: LookupAllOptions, callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * An undici Agent (keep-alive pools per origin) whose connections are checked at connect time: IP literals
 * directly, host names through a lookup that refuses if any resolved address is refused. The address checked
 * is the address connected to, so DNS rebinding between a check and the connect cannot bypass the policy.
 */
export function createGuardedAgent(policy: AddressPolicy, opts: { resolve?: Resolver; connections?: number } = {}): Agent {
  const resolve: Resolver = opts.resolve ?? ((h, o, cb) => dnsLookup(h, o, cb));
  const lookup = (hostname: string, options: { all?: boolean; family?: number }, callback: LookupCallback) => {
    resolve(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      for (const a of addresses) {
        const verdict = policy.check(a.address);
        if (verdict !== null) return callback(new SsrfBlockedError(`${hostname} resolves to ${verdict}`), []);
      }
      if (addresses.length === 0) return callback(Object.assign(new Error(`${hostname} did not resolve`), { code: 'ENOTFOUND' }), []);
      if (options.all) return callback(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
  const base = buildConnector({ lookup } as buildConnector.BuildOptions);
  const connect: buildConnector.connector = (options, callback) => {
    const host = options.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host) !== 0) {
      const verdict = policy.check(host);
      if (verdict !== null) return callback(new SsrfBlockedError(verdict), null);
    }
    return base(options, callback);
  };
  return new Agent({ keepAliveTimeout: 30_000, connections: opts.connections ?? 64, pipelining: 1, connect });
}

/** True when `err` (or its cause) is an SSRF refusal. */
export function isSsrfBlocked(err: unknown): err is { message: string } {
  for (let e = err as { code?: string; cause?: unknown } | undefined, i = 0; e && i < 5; e = e.cause as typeof e, i++) {
    if (e.code === SSRF_BLOCKED) return true;
  }
  return false;
}
