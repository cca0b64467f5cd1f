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

  async recordAttempts(attempts: readonly AttemptRecord[]): Promise<number> {
    return (await this.recordAttemptsWithDeliveries(attempts, [])).attempts;
  }

  async recordAttemptsWithDeliveries(attempts: readonly AttemptRecord[], deliveries: readonly TrackedDelivery[]): Promise<{ attempts: number; deliveries: number }> {
    const announced = new Map(deliveries.map((d) => [d.id, d]));
    const rows = announced.size === 0 ? attempts : attempts.map((a) => withAnnouncement(a, announced.get(a.deliveryId)));
    const folded = new Set<string>();
    let newDeliveries = 0;
    const newAttempts = await this.#inTransaction(rows, async (client, chunk) => {
      const { rows: out } = await client.query<{ attempt_id: string | null; delivery_id: string | null; inserted: boolean | null }>({
        ...STATEMENTS.attempts,
        values: [JSON.stringify(chunk), SKIPPED_OUTCOMES],
      });
      const fresh = new Set<string>();
      for (const r of out) {
        if (r.attempt_id !== null) fresh.add(r.attempt_id);
        else if (r.delivery_id !== null && announced.has(r.delivery_id) && !folded.has(r.delivery_id)) {
          folded.add(r.delivery_id);
          if (r.inserted) newDeliveries++;
        }
      }
      if (fresh.size === 0) return 0;
      // Only attempts recorded for the first time count towards the per-minute rollups, so re-consumption adds nothing.
      const minutes = rollUp(chunk.filter((a) => fresh.has(a.attemptId)));
      if (minutes.length > 0) await client.query({ ...STATEMENTS.minutes, values: [JSON.stringify(minutes)] });
      return fresh.size;
    });
    // An announced delivery whose attempts were all recorded before (a re-consumed pair) is written on its own.
    const leftover = deliveries.filter((d) => !folded.has(d.id));
    if (leftover.length > 0) newDeliveries += await this.recordDeliveries(leftover);
    return { attempts: newAttempts, deliveries: newDeliveries };
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

/** An attempt row that also carries what fan-out's delivery record said (see `INSERT_ATTEMPTS`). */
function withAnnouncement(a: AttemptRecord, d: TrackedDelivery | undefined): AttemptRecord {
  if (d === undefined) return a;
  return Object.assign({}, a, { eventType: d.eventType, eventCreatedAt: d.eventCreatedAt, announcedAt: d.createdAt, announcedApplicationId: d.applicationId });
}
