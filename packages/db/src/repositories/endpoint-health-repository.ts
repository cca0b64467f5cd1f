import type pg from 'pg';

/** Circuit breaker states as stored in `endpoint_health.circuit_state`. */
export type CircuitState = 'closed' | 'open' | 'half_open';

/** One endpoint's delivery health, as the dispatcher records it (the API's health route reads this). */
export interface EndpointHealth {
  endpointId: string;
  circuitState: CircuitState;
  circuitChangedAt: Date;
  failingSince: Date | null;
  lastSuccessAt: Date | null;
  lastFailureAt: Date | null;
  consecutiveFailures: number;
  updatedAt: Date;
}

interface Row {
  endpoint_id: string;
  circuit_state: CircuitState;
  circuit_changed_at: Date;
  failing_since: Date | null;
  last_success_at: Date | null;
  last_failure_at: Date | null;
  consecutive_failures: number;
  updated_at: Date;
}

const toHealth = (r: Row): EndpointHealth => ({
  endpointId: r.endpoint_id,
  circuitState: r.circuit_state,
  circuitChangedAt: r.circuit_changed_at,
  failingSince: r.failing_since,
  lastSuccessAt: r.last_success_at,
  lastFailureAt: r.last_failure_at,
  consecutiveFailures: r.consecutive_failures,
  updatedAt: r.updated_at,
});

/**
 * `endpoint_health` (migration 0004): circuit state, failing-since, last success and last failure per endpoint —
 * the one record of an endpoint's health. Written by the dispatcher when an attempt happens (it decides disable and
 * recovery from it, across restarts); read by the API's health routes. A success of an endpoint already known to
 * be healthy is written at most every 10 s, so `last_success_at` may be that much behind. An endpoint that was
 * never delivered to has no row (read it as closed and healthy). Writes for endpoints deleted meanwhile are ignored.
 */
export class EndpointHealthRepository {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async get(endpointId: string): Promise<EndpointHealth | null> {
    const { rows } = await this.#pool.query<Row>('SELECT * FROM endpoint_health WHERE endpoint_id = $1', [endpointId]);
    return rows[0] ? toHealth(rows[0]) : null;
  }

  async list(endpointIds: readonly string[]): Promise<EndpointHealth[]> {
    const { rows } = await this.#pool.query<Row>('SELECT * FROM endpoint_health WHERE endpoint_id = ANY ($1)', [endpointIds]);
    return rows.map(toHealth);
  }

  async setCircuitState(endpointId: string, state: CircuitState, at: Date): Promise<void> {
    await this.#upsert(
      `INSERT INTO endpoint_health (endpoint_id, circuit_state, circuit_changed_at) SELECT $1, $2, $3 WHERE EXISTS (SELECT 1 FROM endpoints WHERE id = $1)
       ON CONFLICT (endpoint_id) DO UPDATE SET circuit_state = $2, circuit_changed_at = $3, updated_at = now()`,
      [endpointId, state, at],
    );
  }

  /** Records a failed attempt; returns the start of the current run of failures. */
  async recordFailure(endpointId: string, at: Date): Promise<Date | null> {
    const rows = await this.#upsert(
      `INSERT INTO endpoint_health (endpoint_id, failing_since, last_failure_at, consecutive_failures)
         SELECT $1, $2, $2, 1 WHERE EXISTS (SELECT 1 FROM endpoints WHERE id = $1)
       ON CONFLICT (endpoint_id) DO UPDATE SET failing_since = COALESCE(endpoint_health.failing_since, $2),
         last_failure_at = $2, consecutive_failures = endpoint_health.consecutive_failures + 1, updated_at = now()
       RETURNING failing_since`,
      [endpointId, at],
    );
    return (rows[0]?.failing_since as Date | undefined) ?? null;
  }

  /** Records a successful attempt; returns the start of the run of failures it ended (null: none). */
  async recordSuccess(endpointId: string, at: Date): Promise<Date | null> {
    // UPDATE … FROM a self-join reads the row as it was before this statement: the run of failures ended here.
    const updated = await this.#pool.query<{ was: Date | null }>(
      `UPDATE endpoint_health h SET failing_since = NULL, last_success_at = $2, consecutive_failures = 0, updated_at = now()
         FROM (SELECT failing_since FROM endpoint_health WHERE endpoint_id = $1) old
       WHERE h.endpoint_id = $1 RETURNING old.failing_since AS was`,
      [endpointId, at],
    );
    if ((updated.rowCount ?? 0) > 0) return updated.rows[0]!.was;
    await this.#upsert(
      `INSERT INTO endpoint_health (endpoint_id, last_success_at) SELECT $1, $2 WHERE EXISTS (SELECT 1 FROM endpoints WHERE id = $1)
       ON CONFLICT (endpoint_id) DO UPDATE SET last_success_at = $2, updated_at = now()`,
      [endpointId, at],
    );
    return null;
  }

  async #upsert(sql: string, params: unknown[]): Promise<Array<Record<string, unknown>>> {
    try {
      return (await this.#pool.query(sql, params)).rows;
    } catch (err) {
      // The endpoint was deleted between the existence check and the write: nothing to record.
      if ((err as { code?: string }).code === '23503') return [];
      throw err;
    }
  }
}
