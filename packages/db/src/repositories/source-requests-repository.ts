import { randomBytes } from 'node:crypto';
import type pg from 'pg';

let lastMs = 0;
let counter = 0;
/**
 * A request id that sorts by arrival within this process: 12 hex digits of milliseconds, a counter, then random
 * bits (UUIDv7's random tail would order requests of the same millisecond at random).
 */
function requestId(ms: number): string {
  const at = Math.max(ms, lastMs);
  counter = at === lastMs ? counter + 1 : 0;
  lastMs = at;
  return `sreq_${at.toString(16).padStart(12, '0')}${counter.toString(16).padStart(8, '0')}${randomBytes(6).toString('hex')}`;
}

/** One request that reached a source's URL, as recorded. */
export interface SourceRequest {
  id: string;
  sourceId: string;
  tenantId: string;
  receivedAt: Date;
  remoteAddress: string;
  /** `verified`, `failed`, `skipped` (provider `none`) or `refused` (before verification: IP, rate, size). */
  verification: string;
  reason: string | null;
  status: number;
  eventId: string | null;
  eventType: string | null;
  /** The provider's delivery id (deduplication key). */
  deliveryId: string | null;
  /** True when the delivery id was seen before: answered like the first, nothing published. */
  duplicate: boolean;
  headers: Record<string, string>;
  bodyBytes: number;
}

export type NewSourceRequest = Omit<SourceRequest, 'id' | 'receivedAt'> & { receivedAt?: Date };

interface Row {
  id: string;
  source_id: string;
  tenant_id: string;
  received_at: Date;
  remote_address: string;
  verification: string;
  reason: string | null;
  status: number;
  event_id: string | null;
  event_type: string | null;
  delivery_id: string | null;
  duplicate: boolean;
  headers: Record<string, string>;
  body_bytes: number;
}

const toRequest = (r: Row): SourceRequest => ({
  id: r.id,
  sourceId: r.source_id,
  tenantId: r.tenant_id,
  receivedAt: r.received_at,
  remoteAddress: r.remote_address,
  verification: r.verification,
  reason: r.reason,
  status: r.status,
  eventId: r.event_id,
  eventType: r.event_type,
  deliveryId: r.delivery_id,
  duplicate: r.duplicate,
  headers: r.headers,
  bodyBytes: r.body_bytes,
});

/** The log of inbound requests per source, newest first, kept for a bounded time. */
export class SourceRequestsRepository {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async record(r: NewSourceRequest): Promise<string> {
    const id = requestId((r.receivedAt ?? new Date()).getTime());
    await this.#pool.query(
      `INSERT INTO source_requests (id, source_id, tenant_id, received_at, remote_address, verification, reason, status,
         event_id, event_type, delivery_id, duplicate, headers, body_bytes)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
      [
        id, r.sourceId, r.tenantId, r.receivedAt ?? new Date(), r.remoteAddress, r.verification, r.reason, r.status,
        r.eventId, r.eventType, r.deliveryId, r.duplicate, JSON.stringify(r.headers), r.bodyBytes,
      ],
    );
    return id;
  }

  /**
   * Records many requests in one statement (the request log's batches). Rows of a source deleted meanwhile are
   * skipped. Returns how many were written.
   */
  async recordMany(rs: readonly NewSourceRequest[]): Promise<number> {
    if (rs.length === 0) return 0;
    const rows = rs.map((r) => ({
      id: requestId((r.receivedAt ?? new Date()).getTime()), source_id: r.sourceId, tenant_id: r.tenantId, received_at: (r.receivedAt ?? new Date()).toISOString(),
      remote_address: r.remoteAddress, verification: r.verification, reason: r.reason, status: r.status, event_id: r.eventId,
      event_type: r.eventType, delivery_id: r.deliveryId, duplicate: r.duplicate, headers: r.headers, body_bytes: r.bodyBytes,
    }));
    const { rowCount } = await this.#pool.query(
      `INSERT INTO source_requests (id, source_id, tenant_id, received_at, remote_address, verification, reason, status,
         event_id, event_type, delivery_id, duplicate, headers, body_bytes)
       SELECT x.id, x.source_id, x.tenant_id, x.received_at, x.remote_address, x.verification, x.reason, x.status,
         x.event_id, x.event_type, x.delivery_id, x.duplicate, x.headers, x.body_bytes
       FROM jsonb_to_recordset($1::jsonb) AS x(id text, source_id text, tenant_id text, received_at timestamptz, remote_address text,
         verification text, reason text, status integer, event_id text, event_type text, delivery_id text, duplicate boolean,
         headers jsonb, body_bytes integer)
       WHERE EXISTS (SELECT 1 FROM sources s WHERE s.id = x.source_id)`,
      [JSON.stringify(rows)],
    );
    return rowCount ?? 0;
  }

  /** A page of a source's requests, newest first, before the cursor id. */
  async list(tenantId: string, sourceId: string, limit: number, beforeId?: string): Promise<SourceRequest[]> {
    const { rows } = await this.#pool.query<Row>(
      `SELECT * FROM source_requests WHERE source_id = $2 AND tenant_id = $1 AND ($3::text IS NULL OR id < $3)
       ORDER BY id DESC LIMIT $4`,
      [tenantId, sourceId, beforeId ?? null, limit],
    );
    return rows.map(toRequest);
  }

  /** Deletes requests received before `before`, in batches. Returns how many. */
  async deleteOlderThan(before: Date, batch = 5_000): Promise<number> {
    let total = 0;
    for (let i = 0; i < 1_000; i++) {
      const { rowCount } = await this.#pool.query(
        'DELETE FROM source_requests WHERE ctid IN (SELECT ctid FROM source_requests WHERE received_at < $1 LIMIT $2)',
        [before, batch],
      );
      total += rowCount ?? 0;
      if ((rowCount ?? 0) < batch) break;
    }
    return total;
  }
}
