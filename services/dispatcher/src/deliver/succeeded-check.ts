import { setTimeout as sleep } from 'node:timers/promises';
import { backoffMs } from '@hookline/contracts';
import type { Logger } from '@hookline/telemetry';

/** The largest id list one look-up sends. */
const MAX_IDS_PER_QUERY = 1_000;

/**
 * Whether the tracker already recorded a delivery as succeeded, asked for records that may have been handled before
 * (re-consumed after a rebalance or a crash, or a retry record): the answers of one event-loop turn share one query.
 * When the database cannot answer for `patienceMs`, the delivery goes ahead (at least once, never lost).
 */
export class SucceededCheck {
  readonly #lookup: (ids: string[]) => Promise<Set<string>>;
  readonly #log: Logger;
  #waiting = new Map<string, Array<(succeeded: boolean) => void>>();
  #scheduled = false;
  #lastWarning = 0;

  readonly #patienceMs: number;

  /** `patienceMs`: how long a failing look-up is retried before the deliveries go ahead unchecked. */
  constructor(lookup: (ids: string[]) => Promise<Set<string>>, log: Logger, opts: { patienceMs?: number } = {}) {
    this.#lookup = lookup;
    this.#log = log;
    this.#patienceMs = opts.patienceMs ?? 20_000;
  }

  succeeded(deliveryId: string): Promise<boolean> {
    return new Promise((resolve) => {
      const list = this.#waiting.get(deliveryId);
      if (list) list.push(resolve);
      else this.#waiting.set(deliveryId, [resolve]);
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => void this.#flush());
      }
    });
  }

  async #flush(): Promise<void> {
    const waiting = this.#waiting;
    this.#waiting = new Map();
    this.#scheduled = false;
    const ids = [...waiting.keys()];
    for (let i = 0; i < ids.length; i += MAX_IDS_PER_QUERY) {
      const slice = ids.slice(i, i + MAX_IDS_PER_QUERY);
      let found = new Set<string>();
      const started = Date.now();
      for (let retry = 0; ; retry++) {
        try {
          found = await this.#lookup(slice);
          break;
        } catch (err) {
          // PostgreSQL restarting: ask again for a while (these records are the likeliest repeats), then go ahead.
          const giveUp = Date.now() - started >= this.#patienceMs;
          if (giveUp && Date.now() - this.#lastWarning > 10_000) {
            this.#lastWarning = Date.now();
            this.#log.warn({ err, deliveries: slice.length }, 'could not check for deliveries already succeeded; delivering them (at least once)');
          }
          if (giveUp) break;
          await sleep(backoffMs(retry, { baseMs: 200, maxMs: 2_000 }));
        }
      }
      for (const id of slice) for (const resolve of waiting.get(id)!) resolve(found.has(id));
    }
  }
}
