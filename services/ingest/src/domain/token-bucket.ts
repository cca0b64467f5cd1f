/**
 * Token buckets per key (tenant, application): `ratePerSecond` tokens refill continuously up to `burst` (the
 * constructor's, or a key's own given with each take). Takes a clock, so
 * tests never sleep. Keys idle long enough to be full again are forgotten, bounding memory.
 */
export class TokenBuckets {
  readonly #rate: number;
  readonly #burst: number;
  readonly #now: () => number;
  readonly #buckets = new Map<string, { tokens: number; at: number; rate: number; burst: number }>();

  constructor(opts: { ratePerSecond: number; burst: number; clock?: () => number }) {
    this.#rate = opts.ratePerSecond;
    this.#burst = opts.burst;
    this.#now = opts.clock ?? Date.now;
  }

  /** Takes `count` tokens for `key`; when there are too few, takes none and says how long until there will be. */
  take(key: string, count = 1, limit?: { ratePerSecond: number; burst: number }): { ok: true } | { ok: false; retryAfterMs: number } {
    const rate = limit?.ratePerSecond ?? this.#rate;
    const burst = limit?.burst ?? this.#burst;
    const now = this.#now();
    const b = this.#buckets.get(key) ?? { tokens: burst, at: now, rate, burst };
    b.rate = rate;
    b.burst = burst;
    b.tokens = Math.min(burst, b.tokens + ((now - b.at) / 1000) * rate);
    b.at = now;
    this.#buckets.set(key, b);
    if (this.#buckets.size > 10_000) this.#forgetFull(now);
    if (count > burst) return { ok: false, retryAfterMs: Math.ceil(((count - b.tokens) / rate) * 1000) };
    if (b.tokens >= count) {
      b.tokens -= count;
      return { ok: true };
    }
    return { ok: false, retryAfterMs: Math.ceil(((count - b.tokens) / rate) * 1000) };
  }

  #forgetFull(now: number): void {
    for (const [key, b] of this.#buckets) {
      if (b.tokens + ((now - b.at) / 1000) * b.rate >= b.burst) this.#buckets.delete(key);
    }
  }
}
