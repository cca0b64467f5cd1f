import type pg from 'pg';

/** Attempt rows, read by the API (the tracker writes them with its own batched statement: services/tracker tracking-sql). */
export class AttemptsRepository {
  readonly #pool: pg.Pool | pg.PoolClient;

  constructor(pool: pg.Pool | pg.PoolClient) {
    this.#pool = pool;
  }

  /** Attempts of one delivery (one event to one endpoint), oldest first. */
  async forDelivery(tenantId: string, deliveryId: string): Promise<AttemptRow[]> {
    const { rows } = await this.#pool.query<AttemptRow>(
      'SELECT * FROM attempts WHERE tenant_id = $1 AND delivery_id = $2 ORDER BY created_at, attempt',
      [tenantId, deliveryId],
    );
    return rows;
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
