import type { Logger } from '@hookline/telemetry';
import { PARTITIONED_TABLES, planPartitions, retentionCutoff } from '../domain/partition-plan.ts';
import type { PgPartitions } from '../repositories/pg-partitions.ts';

export interface RetentionOptions {
  retentionDays: number;
  /** Day partitions kept ready ahead of today. */
  daysAhead: number;
  /** Rows per bounded delete statement. */
  batchRows: number;
  /** Delete statements per table and run at most (the next run continues). */
  maxBatchesPerRun: number;
  /** Endpoint health rollups are kept this long (the API reads the last hour). */
  rollupRetentionDays: number;
}

/** What one run did. */
export interface RetentionReport {
  created: string[];
  dropped: string[];
  deleted: Record<string, number>;
  skipped: boolean;
}

/**
 * The tracker's periodic maintenance: keeps day partitions ready ahead of time, drops partitions past retention,
 * and deletes expired rows of unpartitioned tables in bounded batches (pull endpoints' messages included, committed or not). One instance at a time (advisory lock).
 */
export class RetentionJob {
  readonly #partitions: PgPartitions;
  readonly #opts: RetentionOptions;
  readonly #log: Logger;
  readonly #now: () => number;

  constructor(partitions: PgPartitions, opts: RetentionOptions, log: Logger, clock: () => number = Date.now) {
    this.#partitions = partitions;
    this.#opts = opts;
    this.#log = log;
    this.#now = clock;
  }

  async runOnce(): Promise<RetentionReport> {
    const report: RetentionReport = { created: [], dropped: [], deleted: {}, skipped: false };
    const ran = await this.#partitions.exclusively(async () => {
      const nowMs = this.#now();
      for (const table of PARTITIONED_TABLES) {
        const plan = planPartitions(table, await this.#partitions.list(table), { nowMs, retentionDays: this.#opts.retentionDays, daysAhead: this.#opts.daysAhead });
        for (const p of plan.create) {
          await this.#partitions.create(p);
          report.created.push(p.name);
        }
        for (const p of plan.drop) {
          await this.#partitions.drop(p);
          report.dropped.push(p.name);
        }
      }
      const cutoff = retentionCutoff(nowMs, this.#opts.retentionDays);
      const rollupCutoff = retentionCutoff(nowMs, Math.min(this.#opts.rollupRetentionDays, this.#opts.retentionDays));
      for (const [target, before] of [['events_default', cutoff], ['attempts_default', cutoff], ['deliveries', cutoff], ['endpoint_health_minutes', rollupCutoff], ['pull_messages', cutoff]] as const) {
        let total = 0;
        for (let i = 0; i < this.#opts.maxBatchesPerRun; i++) {
          const n = await this.#partitions.deleteExpired(target, before, this.#opts.batchRows);
          total += n;
          if (n < this.#opts.batchRows) break;
        }
        report.deleted[target] = total;
      }
    });
    report.skipped = !ran;
    if (report.created.length || report.dropped.length || Object.values(report.deleted).some((n) => n > 0)) {
      this.#log.info(report, 'retention run');
    }
    return report;
  }

  /**
   * Runs every `intervalMs` (never overlapping), first right away unless `immediately` is false; failures are
   * logged and retried next time.
   */
  start(intervalMs: number, { immediately = true }: { immediately?: boolean } = {}): { stop(): Promise<void> } {
    let timer: NodeJS.Timeout | undefined;
    let stopped = false;
    let running: Promise<unknown> = Promise.resolve();
    const tick = () => {
      running = this.runOnce()
        .catch((err: unknown) => this.#log.warn({ err }, 'retention run failed; retrying at the next interval'))
        .finally(() => {
          if (!stopped) timer = setTimeout(tick, intervalMs);
        });
    };
    if (immediately) tick();
    else timer = setTimeout(tick, intervalMs);
    return {
      async stop() {
        stopped = true;
        clearTimeout(timer);
        await running;
      },
    };
  }
}
