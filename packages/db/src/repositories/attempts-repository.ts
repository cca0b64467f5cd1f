import type { AttemptRecord } from '@hookline/contracts';
import type pg from 'pg';
import { decodeCursor, toPage, tsOfUs, usOf, type Page } from './page-cursor.ts';

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
      `INSERT INTO attempts (${COLUMNS.join(', ')}) VALUES ${tuples.join(', ')} ON CONFLICT (id, created_at) DO NOTHING`,
      values,
    );
    return result.rowCount ?? 0;
  }

  /** Attempts of one delivery (one event to one endpoint), oldest first. */
  async forDelivery(tenantId: string, deliveryId: string): Promise<AttemptRow[]> {
    const { rows } = await this.#pool.query<AttemptRow>(
      'SELECT * FROM attempts WHERE tenant_id = $1 AND delivery_id = $2 ORDER BY created_at, attempt',
      [tenantId, deliveryId],
    );
    return rows;
  }

  /** An endpoint's attempts, newest first, keyset-paginated (index `attempts_endpoint_idx`). */
  async listByEndpoint(tenantId: string, endpointId: string, opts: { limit: number; cursor?: string | undefined }): Promise<Page<AttemptRow>> {
    const cursor = opts.cursor ? decodeCursor(opts.cursor) : null;
    if (opts.cursor && !cursor) throw new RangeError('invalid cursor');
    const { rows } = await this.#pool.query<AttemptRow & { cursor_us: string }>(
      `SELECT *, ${usOf('created_at')} AS cursor_us FROM attempts
       WHERE endpoint_id = $1 AND tenant_id = $2 AND ($3::text IS NULL OR (created_at, id) < (${tsOfUs('$3')}, $4))
       ORDER BY created_at DESC, id DESC LIMIT $5`,
      [endpointId, tenantId, cursor?.createdUs ?? null, cursor?.id ?? null, opts.limit + 1],
    );
    return toPage(rows, opts.limit, ({ cursor_us: _c, ...row }) => row);
  }

  /** Attempts of one event within a tenant (and application, when given), oldest first. */
  async forEvent(tenantId: string, eventId: string, applicationId?: string): Promise<AttemptRow[]> {
    const { rows } = await this.#pool.query<AttemptRow>(
      'SELECT * FROM attempts WHERE tenant_id = $1 AND event_id = $2 AND ($3::text IS NULL OR application_id = $3) ORDER BY created_at, attempt',
      [tenantId, eventId, applicationId ?? null],
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
  application_id: string | null;
  attempt: number;
  outcome: string;
  status: string;
  status_code: number | null;
  duration_ms: number;
  error: string | null;
  response_body: string | null;
  request_headers: Record<string, string>;
  url: string;
  next_attempt_at: Date | null;
  /** When the attempt started. */
  created_at: Date;
  recorded_at: Date;
}
