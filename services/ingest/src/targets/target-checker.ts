import { isIP } from 'node:net';
import { AddressPolicy, createHostResolver, type HostResolver } from '@hookline/netguard';
import { endpointUrlProblem } from '../domain/endpoint-url.ts';

/**
 * Validates endpoint URLs at create/update time: the scheme (https unless http is allowed) and the addresses the
 * host is or resolves to (refused when loopback, private, link-local, multicast or metadata, unless allowed).
 * Names resolve as the dispatcher resolves them (`DNS_SERVERS` or the system resolver; `localhost` names are
 * loopback). A name that does not resolve now is accepted: the dispatcher checks the resolved address again at
 * connect time.
 */
export class TargetChecker {
  readonly #allowHttp: boolean;
  readonly #allowPrivate: boolean;
  readonly #policy: AddressPolicy;
  readonly #resolve: HostResolver;
  readonly #lookupTimeoutMs: number;

  constructor(opts: { allowHttp: boolean; allowPrivate: boolean; allowlist: readonly string[]; dnsServers?: readonly string[]; lookupTimeoutMs?: number }) {
    this.#allowHttp = opts.allowHttp;
    this.#allowPrivate = opts.allowPrivate;
    this.#policy = new AddressPolicy({ allowPrivate: opts.allowPrivate, allowlist: opts.allowlist });
    this.#lookupTimeoutMs = opts.lookupTimeoutMs ?? 2_000;
    this.#resolve = createHostResolver({ servers: opts.dnsServers ?? [], timeoutMs: this.#lookupTimeoutMs });
  }

  /** Null when acceptable, else what is wrong with the URL. */
  async problem(raw: string): Promise<string | null> {
    const textProblem = endpointUrlProblem(raw, { allowHttp: this.#allowHttp });
    if (textProblem) return textProblem;
    return this.hostProblem(new URL(raw).hostname.replace(/^\[|\]$/g, ''));
  }

  /** Null when the host (a name or an IP literal, e.g. a Kafka broker's) may be connected to, else why not. */
  async hostProblem(host: string): Promise<string | null> {
    if (this.#allowPrivate) return null;
    const addresses = await this.#addresses(host);
    for (const address of addresses) {
      const refusal = this.#policy.check(address);
      if (refusal) return `host ${host} ${isIP(host) ? 'is' : 'resolves to'} a disallowed address (${refusal}); set ALLOW_PRIVATE_TARGETS=true or TARGET_ALLOWLIST to allow it`;
    }
    return null;
  }

  async #addresses(host: string): Promise<string[]> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<string[]>((resolve) => {
      timer = setTimeout(() => resolve([]), this.#lookupTimeoutMs);
    });
    try {
      return await Promise.race([this.#resolve(host).then((r) => r.map((a) => a.address), () => []), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
