import { TokenBuckets } from '@hookline/contracts';

/** Waiting longer than this for a rate-limit token is done in a retry tier, not in memory. */
export const MAX_IN_MEMORY_WAIT_MS = 1_000;

/** More deliveries than this waiting for one endpoint's concurrency slot are handed to a retry tier. */
export const MAX_QUEUED_PER_ENDPOINT = 500;

/**
 * A delivery that would wait longer than this for one endpoint's slot (queue length × how long a request to it
 * holds its slot ÷ its concurrency) is handed to a retry tier instead: a slow or hanging endpoint keeps only a
 * few deliveries in memory (a hanging one with a 5 s timeout and 10 slots: about 20), while a fast one may queue
 * up to {@link MAX_QUEUED_PER_ENDPOINT} without any leaving for a retry tier (which would only add work).
 */
export const MAX_QUEUE_WAIT_MS = 10_000;

interface Slots {
  /** Requests holding a slot: token → when it got the slot (insertion order: oldest first). */
  active: Map<number, number>;
  waiters: Array<(token: number) => void>;
}

/** Endpoints whose hold time is remembered while they are idle (least recently updated forgotten first). */
const MAX_REMEMBERED = 10_000;

/** Why a delivery was re-queued before an attempt: the endpoint's `rateLimitPerSecond` or its `maxConcurrency` queue. */
export type DeferReason = 'rate_limit' | 'concurrency';

export type Admission = { ok: true; release: () => void } | { ok: false; retryInMs: number; reason: DeferReason };

/**
 * Per-endpoint protection before a request: `maxConcurrency` requests in flight (others wait in memory while the
 * expected wait is short, or go to a retry tier) and a token bucket of `rateLimitPerSecond`. A refusal is not a
 * failed attempt: the caller re-queues the delivery without spending its retry budget.
 */
export class EndpointLimits {
  readonly #slots = new Map<string, Slots>();
  /** Per-endpoint buckets; each endpoint's rate is given with each take (its burst: one second's worth). */
  readonly #buckets: TokenBuckets;
  /** Moving average of how long a request to an endpoint held its slot, ms. */
  readonly #holdMs = new Map<string, number>();
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<void>;
  #tokens = 0;

  constructor(opts: { now?: () => number; sleep?: (ms: number) => Promise<void> } = {}) {
    this.#now = opts.now ?? Date.now;
    this.#sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.#buckets = new TokenBuckets({ ratePerSecond: 1, burst: 1, clock: this.#now });
  }

  async admit(endpointId: string, limits: { maxConcurrency: number; rateLimitPerSecond: number | null }): Promise<Admission> {
    let slots = this.#slots.get(endpointId);
    if (!slots) this.#slots.set(endpointId, (slots = { active: new Map(), waiters: [] }));
    let token: number;
    if (slots.active.size >= limits.maxConcurrency) {
      const wait = this.#expectedWait(endpointId, slots, limits.maxConcurrency);
      if (slots.waiters.length >= MAX_QUEUED_PER_ENDPOINT || wait > MAX_QUEUE_WAIT_MS) {
        return { ok: false, retryInMs: Math.max(MAX_IN_MEMORY_WAIT_MS, Math.min(wait, 60_000)), reason: 'concurrency' };
      }
      token = await new Promise<number>((resolve) => slots.waiters.push(resolve));
    } else {
      token = ++this.#tokens;
      slots.active.set(token, this.#now());
    }
    // From here this delivery holds a slot (handed over by release() when it waited).
    const release = () => {
      const now = this.#now();
      const since = slots.active.get(token);
      slots.active.delete(token);
      if (since !== undefined) this.#held(endpointId, now - since);
      const next = slots.waiters.shift();
      if (next) {
        const handed = ++this.#tokens;
        slots.active.set(handed, now);
        next(handed);
      }
      if (slots.active.size === 0 && slots.waiters.length === 0) this.#slots.delete(endpointId);
    };
    if (limits.rateLimitPerSecond) {
      const rate = { ratePerSecond: limits.rateLimitPerSecond, burst: Math.max(1, limits.rateLimitPerSecond) };
      for (;;) {
        const taken = this.#buckets.take(endpointId, 1, rate);
        if (taken.ok) break;
        const wait = taken.retryAfterMs;
        if (wait > MAX_IN_MEMORY_WAIT_MS) {
          release();
          return { ok: false, retryInMs: wait, reason: 'rate_limit' };
        }
        await this.#sleep(wait);
      }
    }
    return { ok: true, release };
  }

  /** How long one more waiter would wait: the queue ahead × the longer of the usual hold and the oldest one's. */
  #expectedWait(endpointId: string, slots: Slots, maxConcurrency: number): number {
    const oldest = slots.active.values().next().value;
    const hold = Math.max(this.#holdMs.get(endpointId) ?? 0, oldest === undefined ? 0 : this.#now() - oldest);
    return ((slots.waiters.length + 1) * hold) / maxConcurrency;
  }

  #held(endpointId: string, ms: number): void {
    const before = this.#holdMs.get(endpointId);
    this.#holdMs.delete(endpointId);
    this.#holdMs.set(endpointId, before === undefined ? ms : before * 0.8 + ms * 0.2);
    if (this.#holdMs.size > MAX_REMEMBERED) this.#holdMs.delete(this.#holdMs.keys().next().value!);
  }
}
