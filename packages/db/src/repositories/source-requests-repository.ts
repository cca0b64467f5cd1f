import { newId } from '@hookline/contracts';
import type pg from 'pg';

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
    const id = newId('sreq');
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
