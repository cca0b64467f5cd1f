import type { EndpointHealthRepository } from '@hookline/db';
import { healthAfter, type HealthChange } from '../domain/endpoint-health.ts';

/** A success is written at most this often per endpoint while it stays healthy (last_success_at freshness). */
const SUCCESS_WRITE_EVERY_MS = 10_000;

/**
 * Records attempt results in `endpoint_health` and tells when an endpoint recovered or has been failing long
 * enough to be disabled. Failures are written every time (failing_since must survive a restart or a
 * rebalance); successes of an endpoint known to be healthy only now and then.
 */
export class HealthTracker {
  readonly #repo: EndpointHealthRepository;
  readonly #disableAfterMs: number;
  /** Endpoints whose last recorded result was a success, with when it was written. */
  readonly #healthy = new Map<string, number>();

  constructor(repo: EndpointHealthRepository, disableAfterMs: number) {
    this.#repo = repo;
    this.#disableAfterMs = disableAfterMs;
  }

  async success(endpointId: string, now: Date): Promise<HealthChange> {
    const written = this.#healthy.get(endpointId);
    if (written !== undefined && now.getTime() - written < SUCCESS_WRITE_EVERY_MS) return { kind: 'none' };
    // Marked before the write: the many concurrent successes of a busy endpoint make one write, not one each
    // (which used to exhaust the connection pool); a failed write is retried by the next success.
    this.#healthy.set(endpointId, now.getTime());
    let wasFailingSince: Date | null;
    try {
      wasFailingSince = await this.#repo.recordSuccess(endpointId, now);
    } catch (err) {
      if (this.#healthy.get(endpointId) === now.getTime()) this.#healthy.delete(endpointId);
      throw err;
    }
    if (this.#healthy.size > 100_000) this.#healthy.delete(this.#healthy.keys().next().value!);
    return healthAfter({ failingSince: wasFailingSince?.getTime() ?? null }, true, now.getTime(), this.#disableAfterMs);
  }

  async failure(endpointId: string, now: Date): Promise<HealthChange> {
    this.#healthy.delete(endpointId);
    const failingSince = await this.#repo.recordFailure(endpointId, now);
    return healthAfter({ failingSince: failingSince?.getTime() ?? null }, false, now.getTime(), this.#disableAfterMs);
  }
}
