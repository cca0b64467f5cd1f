import type { NewSourceRequest, SourceRequestsRepository } from '@hookline/db';
import type { Logger } from '@hookline/telemetry';

/**
 * The sources' request log, written in batches: a request is answered without waiting for its row (what was
 * accepted is already durable in Kafka), and rows arriving together cost one INSERT. A batch goes out when it has
 * `maxRows` rows or `intervalMs` after its first row; at most `maxBuffered` rows wait (more are dropped, counted and
 * logged: the log must never hold up or exhaust the gateway). {@link close} writes what is left.
 */
export class SourceRequestLog {
  readonly #repo: SourceRequestsRepository;
  readonly #log: Logger;
  readonly #intervalMs: number;
  readonly #maxRows: number;
  readonly #maxBuffered: number;
  #buffer: NewSourceRequest[] = [];
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> = Promise.resolve();
  #dropped = 0;

  constructor(repo: SourceRequestsRepository, log: Logger, opts: { intervalMs?: number; maxRows?: number; maxBuffered?: number } = {}) {
    this.#repo = repo;
    this.#log = log;
    this.#intervalMs = opts.intervalMs ?? 25;
    this.#maxRows = opts.maxRows ?? 500;
    this.#maxBuffered = opts.maxBuffered ?? 50_000;
  }

  add(r: NewSourceRequest): void {
    if (this.#buffer.length >= this.#maxBuffered) {
      if (this.#dropped++ % 1_000 === 0) this.#log.warn({ dropped: this.#dropped }, 'the inbound request log is behind: rows dropped');
      return;
    }
    this.#buffer.push({ ...r, receivedAt: r.receivedAt ?? new Date() });
    if (this.#buffer.length >= this.#maxRows) this.#flushSoon(0);
    else this.#flushSoon(this.#intervalMs);
  }

  #flushSoon(delayMs: number): void {
    if (this.#timer && delayMs > 0) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.flush();
    }, delayMs);
  }

  /** Writes the rows waiting now (after any batch already being written). */
  flush(): Promise<void> {
    this.#writing = this.#writing.then(async () => {
      while (this.#buffer.length > 0) {
        const batch = this.#buffer.splice(0, this.#maxRows);
        try {
          await this.#repo.recordMany(batch);
        } catch (err) {
          this.#log.warn({ err, rows: batch.length }, 'writing inbound request log rows failed');
        }
      }
    });
    return this.#writing;
  }

  async close(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.flush();
  }
}
