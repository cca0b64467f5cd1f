import { SKIPPED_OUTCOMES, type AttemptRecord } from '@hookline/contracts';
import type pg from 'pg';
import { rollUp } from '../domain/health-rollup.ts';
import type { TrackedDelivery, TrackedEvent } from '../domain/tracked-records.ts';
import type { TrackingStore } from '../domain/tracking-store.ts';
import { INSERT_ATTEMPTS, INSERT_EVENTS, UPSERT_DELIVERIES, UPSERT_MINUTES } from './tracking-sql.ts';

/**
 * The batch statements as named (prepared) statements: each connection parses and plans one once instead of on every
 * batch, about 0.3 ms of PostgreSQL's CPU a statement (bench/RESULTS.md, thirty-first session). A pooler in front of
 * PostgreSQL must keep prepared statements (session pooling, or PgBouncer's `max_prepared_statements`).
 */
const STATEMENTS = {
  events: { name: 'hookline_tracker_insert_events', text: INSERT_EVENTS },
  deliveries: { name: 'hookline_tracker_upsert_deliveries', text: UPSERT_DELIVERIES },
  attempts: { name: 'hookline_tracker_insert_attempts', text: INSERT_ATTEMPTS },
  minutes: { name: 'hookline_tracker_upsert_minutes', text: UPSERT_MINUTES },
} as const;

/**
 * {@link TrackingStore} on PostgreSQL: one transaction per call, `chunkRows` records per statement, each chunk
 * passed as a single JSON parameter.
 */
export class PgTrackingStore implements TrackingStore {
  readonly #pool: pg.Pool;
  readonly #chunkRows: number;

  constructor(pool: pg.Pool, chunkRows: number) {
    this.#pool = pool;
    this.#chunkRows = chunkRows;
  }

  recordEvents(events: readonly TrackedEvent[]): Promise<number> {
    return this.#inTransaction(events, async (client, chunk) => (await client.query({ ...STATEMENTS.events, values: [JSON.stringify(chunk)] })).rowCount ?? 0);
  }

  recordDeliveries(deliveries: readonly TrackedDelivery[]): Promise<number> {
    return this.#inTransaction(deliveries, async (client, chunk) => {
      const { rows } = await client.query<{ inserted: boolean }>({ ...STATEMENTS.deliveries, values: [JSON.stringify(chunk)] });
      return rows.filter((r) => r.inserted).length;
    });
  }

  recordAttempts(attempts: readonly AttemptRecord[]): Promise<number> {
    return this.#inTransaction(attempts, async (client, chunk) => {
      const { rows } = await client.query<{ id: string }>({ ...STATEMENTS.attempts, values: [JSON.stringify(chunk), SKIPPED_OUTCOMES] });
      if (rows.length === 0) return 0;
      // Only attempts recorded for the first time count towards the per-minute rollups, so re-consumption adds nothing.
      const fresh = new Set(rows.map((r) => r.id));
      const minutes = rollUp(chunk.filter((a) => fresh.has(a.attemptId)));
      if (minutes.length > 0) await client.query({ ...STATEMENTS.minutes, values: [JSON.stringify(minutes)] });
      return rows.length;
    });
  }

  async #inTransaction<T>(items: readonly T[], write: (client: pg.PoolClient, chunk: readonly T[]) => Promise<number>): Promise<number> {
    if (items.length === 0) return 0;
    const client = await this.#pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      let written = 0;
      for (let i = 0; i < items.length; i += this.#chunkRows) written += await write(client, items.slice(i, i + this.#chunkRows));
      await client.query('COMMIT');
      return written;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      throw err;
    } finally {
      // A connection that could not even roll back is discarded rather than returned to the pool.
      client.release(broken);
    }
  }
}
