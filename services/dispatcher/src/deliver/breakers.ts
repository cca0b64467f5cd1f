import { HooklineError } from '@hookline/contracts';
import type { CircuitState } from '@hookline/db';
import { EventEmitter } from 'node:events';
import CircuitBreaker from 'opossum';

/** Breaker settings (from CIRCUIT_* variables). */
export interface BreakerSettings {
  errorThresholdPercent: number;
  volumeThreshold: number;
  windowMs: number;
  resetTimeoutMs: number;
  maxBreakers: number;
}

/** Buckets of a breaker's rolling window. */
const ROLLING_BUCKETS = 10;

interface Entry {
  breaker: CircuitBreaker<[() => Promise<unknown>], unknown>;
  openedAt: number;
}

/** The breaker refused the call (open, or half-open with its one probe already in flight). */
export class CircuitOpenError extends HooklineError {
  /** Milliseconds until the breaker lets a probe through. */
  readonly waitMs: number;
  constructor(waitMs: number) {
    super({ code: 'HKL_DISPATCH_CIRCUIT_OPEN', message: 'circuit open', retryable: true, stage: 'before_send' });
    this.waitMs = waitMs;
  }
}

/**
 * One opossum breaker per endpoint, in a bounded LRU (the least recently used is shut down when full). A
 * breaker opens when at least `errorThresholdPercent` of at least `volumeThreshold` calls in the rolling window
 * failed, and half-opens after `resetTimeoutMs` with a single probe. State changes are reported (for the
 * endpoint_health table and metrics). opossum reads the wall clock; unit tests drive it with fake timers.
 */
export class BreakerRegistry {
  readonly #entries = new Map<string, Entry>();
  /**
   * Turns every breaker's rolling window one bucket on, from one timer: opossum's own is two intervals per
   * breaker (buckets, snapshots), i.e. thousands of wake-ups a second for an idle dispatcher with thousands of
   * endpoints.
   */
  readonly #rotate = new EventEmitter().setMaxListeners(0);
  #rotation: NodeJS.Timeout | undefined;
  readonly #settings: BreakerSettings;
  readonly #now: () => number;
  readonly #onChange: (endpointId: string, state: CircuitState) => void;

  constructor(settings: BreakerSettings, opts: { now?: () => number; onChange?: (endpointId: string, state: CircuitState) => void } = {}) {
    this.#settings = settings;
    this.#now = opts.now ?? Date.now;
    this.#onChange = opts.onChange ?? (() => {});
  }

  /**
   * Runs `call` through the endpoint's breaker. `call` resolves with its result; `isFailure(result)` tells the
   * breaker whether it counts as a failure. Rejects with {@link CircuitOpenError} when the breaker refuses.
   */
  async run<T>(endpointId: string, call: () => Promise<T>, isFailure: (result: T) => boolean): Promise<T> {
    const entry = this.#entry(endpointId);
    try {
      return (await entry.breaker.fire(async () => {
        const result = await call();
        if (isFailure(result)) throw new FailedCall(result);
        return result;
      })) as T;
    } catch (err) {
      if (err instanceof FailedCall) return err.result as T;
      if ((err as { code?: string }).code === 'EOPENBREAKER') {
        const wait = entry.breaker.halfOpen ? 0 : entry.openedAt + this.#settings.resetTimeoutMs - this.#now();
        throw new CircuitOpenError(Math.max(0, wait));
      }
      throw err;
    }
  }

  state(endpointId: string): CircuitState {
    const b = this.#entries.get(endpointId)?.breaker;
    if (!b) return 'closed';
    return b.opened ? 'open' : b.halfOpen ? 'half_open' : 'closed';
  }

  /** Endpoints whose breaker is open or half-open (bounded by the LRU), for metrics. */
  notClosed(): Array<{ endpointId: string; state: CircuitState }> {
    const out: Array<{ endpointId: string; state: CircuitState }> = [];
    for (const endpointId of this.#entries.keys()) {
      const state = this.state(endpointId);
      if (state !== 'closed') out.push({ endpointId, state });
    }
    return out;
  }

  get size(): number {
    return this.#entries.size;
  }

  shutdown(): void {
    clearInterval(this.#rotation);
    this.#rotation = undefined;
    for (const e of this.#entries.values()) e.breaker.shutdown();
    this.#entries.clear();
  }

  #entry(endpointId: string): Entry {
    const found = this.#entries.get(endpointId);
    if (found) {
      // Most recently used last.
      this.#entries.delete(endpointId);
      this.#entries.set(endpointId, found);
      return found;
    }
    const s = this.#settings;
    if (!this.#rotation) {
      this.#rotation = setInterval(() => this.#rotate.emit('rotate'), Math.max(1, Math.floor(s.windowMs / ROLLING_BUCKETS)));
      this.#rotation.unref();
    }
    const breaker = new CircuitBreaker((fn: () => Promise<unknown>) => fn(), {
      timeout: false,
      rotateBucketController: this.#rotate,
      // Neither opossum's snapshots nor its latency percentiles are read (the dispatcher measures its own).
      enableSnapshots: false,
      rollingPercentilesEnabled: false,
      // opossum opens above the threshold; the rule is "at least", hence the small epsilon.
      errorThresholdPercentage: s.errorThresholdPercent - 1e-6,
      volumeThreshold: s.volumeThreshold,
      rollingCountTimeout: s.windowMs,
      rollingCountBuckets: ROLLING_BUCKETS,
      resetTimeout: s.resetTimeoutMs,
    });
    const entry: Entry = { breaker, openedAt: 0 };
    breaker.on('open', () => {
      entry.openedAt = this.#now();
      this.#onChange(endpointId, 'open');
    });
    breaker.on('halfOpen', () => this.#onChange(endpointId, 'half_open'));
    breaker.on('close', () => this.#onChange(endpointId, 'closed'));
    this.#entries.set(endpointId, entry);
    while (this.#entries.size > s.maxBreakers) {
      const [oldestId, oldest] = this.#entries.entries().next().value as [string, Entry];
      oldest.breaker.shutdown();
      this.#entries.delete(oldestId);
    }
    return entry;
  }
}

class FailedCall {
  readonly result: unknown;
  constructor(result: unknown) {
    this.result = result;
  }
}
