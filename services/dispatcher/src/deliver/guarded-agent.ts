import { HooklineError } from '@hookline/contracts';
import type { LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import { Agent, buildConnector } from 'undici';
import { createHostResolver, type AddressPolicy, type HostResolver } from '@hookline/netguard';

/** Error code of a connection refused by the SSRF policy. */
export const SSRF_BLOCKED = 'HKL_DISPATCH_SSRF_BLOCKED';

/** A connection the SSRF policy refused; not retryable. */
export class SsrfBlockedError extends HooklineError {
  constructor(message: string) {
    super({ code: SSRF_BLOCKED, message, retryable: false, stage: 'send' });
    this.name = 'SsrfBlockedError';
  }
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * An undici Agent (keep-alive pools per origin) whose connections are checked at connect time: IP literals
 * directly, host names through a lookup that refuses if any resolved address is refused. The address checked
 * is the address connected to, so DNS rebinding between a check and the connect cannot bypass the policy.
 * Names resolve through netguard's resolver (`DNS_SERVERS` or the system's; `localhost` names are loopback),
 * as the ingest's save-time check resolves them; tests may inject their own.
 */
export function createGuardedAgent(
  policy: AddressPolicy,
  opts: { resolve?: HostResolver; dnsServers?: readonly string[]; connections?: number } = {},
): Agent {
  const resolve: HostResolver = opts.resolve ?? createHostResolver({ servers: opts.dnsServers ?? [] });
  const lookup = (hostname: string, options: { all?: boolean; family?: number }, callback: LookupCallback) => {
    resolve(hostname).then(
      (addresses) => {
        for (const a of addresses) {
          const verdict = policy.check(a.address);
          if (verdict !== null) return callback(new SsrfBlockedError(`${hostname} resolves to ${verdict}`), []);
        }
        const usable = options.family === 4 || options.family === 6 ? addresses.filter((a) => a.family === options.family) : addresses;
        if (usable.length === 0) return callback(Object.assign(new Error(`${hostname} did not resolve`), { code: 'ENOTFOUND' }), []);
        if (options.all) return callback(null, usable as LookupAddress[]);
        callback(null, usable[0]!.address, usable[0]!.family);
      },
      (err: NodeJS.ErrnoException) => callback(err, []),
    );
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
