import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { AddressPolicy } from '@hookline/netguard';
import { endpointUrlProblem } from '../domain/endpoint-url.ts';

/**
 * Validates endpoint URLs at create/update time: the scheme (https unless http is allowed) and the addresses the
 * host is or resolves to (refused when loopback, private, link-local, multicast or metadata, unless allowed).
 * A name that does not resolve now is accepted: the dispatcher checks the resolved address again at connect time.
 */
export class TargetChecker {
  readonly #allowHttp: boolean;
  readonly #allowPrivate: boolean;
  readonly #policy: AddressPolicy;
  readonly #lookupTimeoutMs: number;

  constructor(opts: { allowHttp: boolean; allowPrivate: boolean; allowlist: readonly string[]; lookupTimeoutMs?: number }) {
    this.#allowHttp = opts.allowHttp;
    this.#allowPrivate = opts.allowPrivate;
    this.#policy = new AddressPolicy({ allowPrivate: opts.allowPrivate, allowlist: opts.allowlist });
    this.#lookupTimeoutMs = opts.lookupTimeoutMs ?? 2_000;
  }

  /** Null when acceptable, else what is wrong with the URL. */
  async problem(raw: string): Promise<string | null> {
    const textProblem = endpointUrlProblem(raw, { allowHttp: this.#allowHttp });
    if (textProblem) return textProblem;
    if (this.#allowPrivate) return null;
    const host = new URL(raw).hostname.replace(/^\[|\]$/g, '');
    const addresses = isIP(host) ? [host] : await this.#resolve(host);
    for (const address of addresses) {
      const refusal = this.#policy.check(address);
      if (refusal) return `host ${host} ${isIP(host) ? 'is' : 'resolves to'} a disallowed address (${refusal}); set ALLOW_PRIVATE_TARGETS=true or TARGET_ALLOWLIST to allow it`;
    }
    return null;
  }

  async #resolve(host: string): Promise<string[]> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<string[]>((resolve) => {
      timer = setTimeout(() => resolve([]), this.#lookupTimeoutMs);
    });
    try {
      return await Promise.race([lookup(host, { all: true, verbatim: true }).then((r) => r.map((a) => a.address), () => []), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
