import type pg from 'pg';

/** What a reservation attempt found. */
export type Reservation =
  /** This request holds the key now; `planned` is the response it must produce (stored at first reservation). */
  | { kind: 'reserved'; planned: unknown; takeover: boolean }
  /** A request with this key already completed: answer with its response. */
  | { kind: 'done'; status: number; response: unknown; sameRequest: boolean }
  /** Another request holds the key right now. */
  | { kind: 'in_progress'; sameRequest: boolean };

interface Row {
  request_hash: Buffer;
  state: 'pending' | 'done';
  response_status: number | null;
  response: unknown;
  locked: boolean;
}

/**
 * Idempotency keys and caller-supplied event ids. A key is reserved with the response the request will give
 * (its event ids are fixed then), so a holder that crashes before completing leaves a reservation that a retry
 * takes over once `lockMs` has passed — publishing the same event ids again, never losing the event and never
 * making the key unusable. Keys live `ttlMs` (24 h).
 */
export class IdempotencyRepository {
  readonly #pool: pg.Pool;
  readonly #ttlMs: number;

  constructor(pool: pg.Pool, ttlMs = 24 * 3_600_000) {
    this.#pool = pool;
    this.#ttlMs = ttlMs;
  }

  async reserve(tenantId: string, scope: 'key' | 'event', key: string, requestHash: Buffer, planned: unknown, lockMs: number): Promise<Reservation> {
    const inserted = await this.#pool.query(
      `INSERT INTO idempotency_keys (tenant_id, scope, key, request_hash, state, response, locked_until)
       VALUES ($1, $2, $3, $4, 'pending', $5, now() + make_interval(secs => $6::double precision / 1000))
       ON CONFLICT (tenant_id, scope, key) DO UPDATE
         SET request_hash = EXCLUDED.request_hash, state = 'pending', response = EXCLUDED.response, response_status = NULL,
             locked_until = EXCLUDED.locked_until, created_at = now()
         WHERE idempotency_keys.created_at < now() - make_interval(secs => $7::double precision / 1000)
       RETURNING 1`,
      [tenantId, scope, key, requestHash, JSON.stringify(planned), lockMs, this.#ttlMs],
    );
    if (inserted.rowCount === 1) return { kind: 'reserved', planned, takeover: false };

    const { rows } = await this.#pool.query<Row>(
      `SELECT request_hash, state, response_status, response, locked_until > now() AS locked
         FROM idempotency_keys WHERE tenant_id = $1 AND scope = $2 AND key = $3`,
      [tenantId, scope, key],
    );
    const row = rows[0];
    if (!row) return this.reserve(tenantId, scope, key, requestHash, planned, lockMs);
    const sameRequest = row.request_hash.equals(requestHash);
    if (row.state === 'done') return { kind: 'done', status: row.response_status ?? 200, response: row.response, sameRequest };
    if (row.locked || !sameRequest) return { kind: 'in_progress', sameRequest };

    // The holder's lock ran out without completing (it crashed or timed out): take the reservation over.
    const taken = await this.#pool.query<{ response: unknown }>(
      `UPDATE idempotency_keys SET locked_until = now() + make_interval(secs => $4::double precision / 1000)
        WHERE tenant_id = $1 AND scope = $2 AND key = $3 AND state = 'pending' AND locked_until <= now()
        RETURNING response`,
      [tenantId, scope, key, lockMs],
    );
    if (taken.rowCount === 1) return { kind: 'reserved', planned: taken.rows[0]!.response, takeover: true };
    return { kind: 'in_progress', sameRequest };
  }

  /** Records the response of a reserved key (after the events were acknowledged by Kafka). */
  async complete(tenantId: string, scope: 'key' | 'event', key: string, status: number, response: unknown): Promise<void> {
    await this.#pool.query(
      `UPDATE idempotency_keys SET state = 'done', response_status = $4, response = $5 WHERE tenant_id = $1 AND scope = $2 AND key = $3`,
      [tenantId, scope, key, status, JSON.stringify(response)],
    );
  }

  /**
   * Ends this holder's lock after a failed publish whose outcome is unknown (e.g. the ack timed out): the next
   * request with the key takes the reservation over at once and publishes the same event ids.
   */
  async unlock(tenantId: string, scope: 'key' | 'event', key: string): Promise<void> {
    await this.#pool.query(
      `UPDATE idempotency_keys SET locked_until = now() WHERE tenant_id = $1 AND scope = $2 AND key = $3 AND state = 'pending'`,
      [tenantId, scope, key],
    );
  }

  /** Deletes keys older than the TTL in bounded batches; returns how many were deleted. */
  async purgeExpired(batch = 5_000): Promise<number> {
    const { rowCount } = await this.#pool.query(
      `DELETE FROM idempotency_keys WHERE ctid IN (
         SELECT ctid FROM idempotency_keys WHERE created_at < now() - make_interval(secs => $1::double precision / 1000) LIMIT $2)`,
      [this.#ttlMs, batch],
    );
    return rowCount ?? 0;
  }
}
