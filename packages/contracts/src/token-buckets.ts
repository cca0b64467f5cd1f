/** A rate: `ratePerSecond` tokens refill continuously, up to `burst` held at once. */
export interface TokenRate {
  ratePerSecond: number;
  burst: number;
}

/** Keys idle long enough to be full again are forgotten once more than this many are held. */
const MAX_KEYS = 10_000;

/**
 * Token buckets per key, on an injected clock so tests never sleep: the dispatcher's per-endpoint rate limit
 * (`rateLimitPerSecond`, key = endpoint id) and ingest's API rate limits (key = tenant or application). Each key
 * refills at the constructor's rate, or at its own rate given with each take (a changed rate applies from that
 * take on; the tokens held are kept, capped at the new burst). A key seen for the first time starts full. Keys whose
 * bucket is full again are forgotten when many are held (a forgotten key comes back full: same answer), bounding
 * memory. Pure: no I/O.
 */
export class TokenBuckets {
  readonly #rate: TokenRate;
  readonly #now: () => number;
  readonly #buckets = new Map<string, { tokens: number; at: number } & TokenRate>();

  constructor(opts: TokenRate & { clock?: () => number }) {
    this.#rate = { ratePerSecond: opts.ratePerSecond, burst: opts.burst };
    this.#now = opts.clock ?? Date.now;
  }

  /**
   * Takes `count` tokens for `key` and answers `ok`; when there are too few, takes none and says how long until
   * there will be (`retryAfterMs`, rounded up; for `count` above the burst, never).
   */
  take(key: string, count = 1, rate: TokenRate = this.#rate): { ok: true } | { ok: false; retryAfterMs: number } {
    const now = this.#now();
    const b = this.#buckets.get(key) ?? { tokens: rate.burst, at: now, ...rate };
    b.ratePerSecond = rate.ratePerSecond;
    b.burst = rate.burst;
    b.tokens = Math.min(rate.burst, b.tokens + ((now - b.at) / 1000) * rate.ratePerSecond);
    b.at = now;
    this.#buckets.set(key, b);
    if (this.#buckets.size > MAX_KEYS) this.#forgetFull(now);
    if (count <= rate.burst && b.tokens >= count) {
      b.tokens -= count;
      return { ok: true };
    }
    return { ok: false, retryAfterMs: Math.ceil(((count - b.tokens) / rate.ratePerSecond) * 1000) };
  }

  #forgetFull(now: number): void {
    for (const [key, b] of this.#buckets) {
      if (b.tokens + ((now - b.at) / 1000) * b.ratePerSecond >= b.burst) this.#buckets.delete(key);
    }
  }
}
