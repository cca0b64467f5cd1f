/**
 * A token bucket on an injected clock: `ratePerSecond` tokens a second, bursts of up to `burst`.
 * `reserve()` takes a token now when there is one, or tells how long until one would be free.
 */
export class TokenBucket {
  readonly #rate: number;
  readonly #burst: number;
  readonly #now: () => number;
  #tokens: number;
  #at: number;

  constructor(ratePerSecond: number, now: () => number, burst = Math.max(1, ratePerSecond)) {
    this.#rate = ratePerSecond;
    this.#burst = burst;
    this.#now = now;
    this.#tokens = burst;
    this.#at = now();
  }

  get ratePerSecond(): number {
    return this.#rate;
  }

  #refill(): void {
    const now = this.#now();
    this.#tokens = Math.min(this.#burst, this.#tokens + ((now - this.#at) * this.#rate) / 1_000);
    this.#at = now;
  }

  /** Takes a token and returns 0, or returns the milliseconds until a token is free (taking nothing). */
  tryTake(): number {
    this.#refill();
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.#tokens) * 1_000) / this.#rate);
  }
}
