import type { AttemptRecord } from '@hookline/contracts';
import type pg from 'pg';

const COLUMNS = [
  'id', 'delivery_id', 'event_id', 'tenant_id', 'endpoint_id', 'attempt', 'outcome', 'status', 'status_code',
  'duration_ms', 'error', 'response_body', 'request_headers', 'url', 'created_at',
] as const;

/** Attempt rows: written in batches by the tracker, read by the API. */
export class AttemptsRepository {
  readonly #pool: pg.Pool | pg.PoolClient;

  constructor(pool: pg.Pool | pg.PoolClient) {
    this.#pool = pool;
  }

  /**
   * Inserts a batch in one multi-row statement; rows already present (same attempt id, e.g. after a
   * re-consumption) are left untouched. Returns how many rows were new.
   */
  async insertMany(records: readonly AttemptRecord[]): Promise<number> {
    if (records.length === 0) return 0;
    const values: unknown[] = [];
    const tuples = records.map((r, i) => {
      values.push(
        r.attemptId, r.deliveryId, r.eventId, r.tenantId, r.endpointId, r.attempt, r.outcome, r.status, r.statusCode,
        r.durationMs, r.error, r.responseBody, JSON.stringify(r.requestHeaders), r.url, r.startedAt,
      );
      const base = i * COLUMNS.length;
      return `(${COLUMNS.map((_, j) => `$${base + j + 1}`).join(', ')})`;
    });
    const result = await this.#pool.query(
      `INSERT INTO attempts (${COLUMNS.join(', ')}) VALUES ${tuples.join(', ')} ON CONFLICT (id) DO NOTHING`,
      values,
    );
    return result.rowCount ?? 0;
  }

  /** Attempts of one event within a tenant, oldest first. */
  async forEvent(tenantId: string, eventId: string): Promise<AttemptRow[]> {
    const { rows } = await this.#pool.query<AttemptRow>(
      'SELECT * FROM attempts WHERE tenant_id = $1 AND event_id = $2 ORDER BY created_at, attempt',
      [tenantId, eventId],
    );
    return rows;
  }
}

/** An attempt row as stored. */
export interface AttemptRow {
  id: string;
  delivery_id: string;
  event_id: string;
  tenant_id: string;
  endpoint_id: string;
  attempt: number;
  outcome: string;
  status: string;
  status_code: number | null;
  duration_ms: number;
  error: string | null;
  response_body: string | null;
  request_headers: Record<string, string>;
  url: string;
  created_at: Date;
}
