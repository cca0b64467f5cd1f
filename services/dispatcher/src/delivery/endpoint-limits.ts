import { TokenBucket } from '../domain/token-bucket.ts';

/** Waiting longer than this for a rate-limit token is done in a retry tier, not in memory. */
export const MAX_IN_MEMORY_WAIT_MS = 1_000;

/** More deliveries than this waiting for one endpoint's concurrency slot are handed to a retry tier. */
export const MAX_QUEUED_PER_ENDPOINT = 200;

interface Slots {
  active: number;
  waiters: Array<() => void>;
}

export type Admission = { ok: true; release: () => void } | { ok: false; retryInMs: number };

/**
 * Per-endpoint protection before a request: `maxConcurrency` requests in flight (others wait briefly in
 * memory, or go to a retry tier when too many wait) and a token bucket of `rateLimitPerSecond`. A refusal is
 * not a failed attempt: the caller re-queues the delivery without spending its retry budget.
 */
export class EndpointLimits {
  readonly #slots = new Map<string, Slots>();
  readonly #buckets = new Map<string, TokenBucket>();
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<void>;

  constructor(opts: { now?: () => number; sleep?: (ms: number) => Promise<void> } = {}) {
    this.#now = opts.now ?? Date.now;
    this.#sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  async admit(endpointId: string, limits: { maxConcurrency: number; rateLimitPerSecond: number | null }): Promise<Admission> {
    let slots = this.#slots.get(endpointId);
    if (!slots) this.#slots.set(endpointId, (slots = { active: 0, waiters: [] }));
    if (slots.active >= limits.maxConcurrency) {
      if (slots.waiters.length >= MAX_QUEUED_PER_ENDPOINT) return { ok: false, retryInMs: MAX_IN_MEMORY_WAIT_MS };
      await new Promise<void>((resolve) => slots.waiters.push(resolve));
    } else {
      slots.active += 1;
    }
    // From here this delivery holds a slot (handed over by release() when it waited).
    const release = () => {
      const next = slots.waiters.shift();
      if (next) next();
      else slots.active -= 1;
      if (slots.active === 0 && slots.waiters.length === 0) this.#slots.delete(endpointId);
    };
    if (limits.rateLimitPerSecond) {
      const bucket = this.#bucket(endpointId, limits.rateLimitPerSecond);
      for (;;) {
        const wait = bucket.tryTake();
        if (wait === 0) break;
        if (wait > MAX_IN_MEMORY_WAIT_MS) {
          release();
          return { ok: false, retryInMs: wait };
        }
        await this.#sleep(wait);
      }
    }
    return { ok: true, release };
  }

  #bucket(endpointId: string, rate: number): TokenBucket {
    let b = this.#buckets.get(endpointId);
    if (!b || b.ratePerSecond !== rate) {
      b = new TokenBucket(rate, this.#now);
      this.#buckets.set(endpointId, b);
    }
    return b;
  }
}
