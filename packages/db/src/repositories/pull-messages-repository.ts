import type pg from 'pg';

/** The channel a stored pull message is announced on (payload `<schema>:<endpoint id>`; migration 0015's trigger). */
export const PULL_MESSAGES_CHANNEL = 'hookline_pull';

/** A webhook as the dispatcher stores it for a pull endpoint: what an HTTP receiver would have been sent. */
export interface NewPullMessage {
  endpointId: string;
  tenantId: string;
  /** The `webhook-id` header. */
  messageId: string;
  deliveryId: string;
  /** The delivery's attempt number (a redelivery of the same attempt after a crash stores nothing new). */
  attempt: number;
  eventId: string;
  eventType: string;
  eventCreatedAt: Date;
  /**
   * The request's headers (webhook-id, content-type, user-agent, traceparent, the endpoint's own headers). Stored
   * without `webhook-signature` since migration 0015's first rows: ingest stamps `webhook-timestamp` and signs each read.
   */
  headers: Record<string, string>;
  /** The body, byte for byte (what is signed). */
  body: string;
}

/** A stored message with its place in the endpoint's sequence. */
export interface PullMessage {
  seq: number;
  messageId: string;
  eventId: string;
  eventType: string;
  eventCreatedAt: Date;
  attempt: number;
  headers: Record<string, string>;
  body: string;
  createdAt: Date;
}

interface Row {
  seq: string;
  message_id: string;
  event_id: string;
  event_type: string;
  event_created_at: Date;
  attempt: number;
  headers: Record<string, string>;
  body: string;
  created_at: Date;
}

/**
 * The messages of pull endpoints (migration 0015): written by the dispatcher, read and committed through the API.
 * Each endpoint numbers its messages under the lock of its `pull_cursors` row, so they become visible in the order
 * of their numbers: a reader that saw number n never later finds a smaller one appear.
 */
export class PullMessagesRepository {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  /**
   * Stores messages of one endpoint in this order, numbered consecutively, in one statement, and wakes its readers.
   * A delivery attempt stored before (the same delivery and attempt number: its record consumed again after a crash,
   * or replayed, recovered or redriven, which re-sends a delivery as attempt 0) is not stored twice: while the
   * consumer has not committed the earlier copy it stays where it is (the consumer gets it anyway); once committed,
   * it moves to the end, re-signed, and the consumer gets it again (as an HTTP endpoint would; receivers deduplicate
   * by webhook-id). Returns how many rows were written.
   */
  async storeMany(endpointId: string, messages: readonly Omit<NewPullMessage, 'endpointId'>[]): Promise<number> {
    // One row per delivery attempt: a statement may not write the same row twice.
    const seen = new Set<string>();
    const unique = messages.filter((m) => {
      const key = `${m.deliveryId}\u0000${m.attempt}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    if (unique.length === 0) return 0;
    const rows = unique.map((m, i) => ({
      i: i + 1, message_id: m.messageId, delivery_id: m.deliveryId, attempt: m.attempt, tenant_id: m.tenantId, event_id: m.eventId,
      event_type: m.eventType, event_created_at: m.eventCreatedAt.toISOString(), headers: m.headers, body: m.body,
    }));
    const { rowCount } = await this.#pool.query(
      `WITH numbered AS (
         INSERT INTO pull_cursors (endpoint_id, last_seq) VALUES ($1, $2)
         ON CONFLICT (endpoint_id) DO UPDATE SET last_seq = pull_cursors.last_seq + $2
         RETURNING last_seq),
       -- Readers wake at commit (the insert trigger announces new rows; this covers moved ones too, once per statement).
       woken AS (SELECT pg_notify('${PULL_MESSAGES_CHANNEL}', current_schema() || ':' || $1) AS n)
       INSERT INTO pull_messages AS p (endpoint_id, seq, message_id, delivery_id, attempt, tenant_id, event_id, event_type, event_created_at, headers, body)
       SELECT $1, numbered.last_seq - $2 + m.i, m.message_id, m.delivery_id, m.attempt, m.tenant_id, m.event_id, m.event_type, m.event_created_at, m.headers, m.body
       FROM numbered, woken, jsonb_to_recordset($3::jsonb) AS m(i int, message_id text, delivery_id text, attempt int, tenant_id text, event_id text,
         event_type text, event_created_at timestamptz, headers jsonb, body text)
       ORDER BY m.i
       ON CONFLICT (endpoint_id, delivery_id, attempt) DO UPDATE
         SET seq = EXCLUDED.seq, message_id = EXCLUDED.message_id, headers = EXCLUDED.headers, body = EXCLUDED.body, created_at = now()
         WHERE p.seq <= (SELECT committed_seq FROM pull_cursors c WHERE c.endpoint_id = p.endpoint_id)`,
      [endpointId, unique.length, JSON.stringify(rows)],
    );
    return rowCount ?? 0;
  }

  /** Up to `limit` messages after `afterSeq`, in order. */
  async read(endpointId: string, afterSeq: number, limit: number): Promise<PullMessage[]> {
    const { rows } = await this.#pool.query<Row>(
      `SELECT seq, message_id, event_id, event_type, event_created_at, attempt, headers, body, created_at
       FROM pull_messages WHERE endpoint_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
      [endpointId, afterSeq, limit],
    );
    return rows.map((r) => ({
      seq: Number(r.seq), messageId: r.message_id, eventId: r.event_id, eventType: r.event_type, eventCreatedAt: r.event_created_at,
      attempt: r.attempt, headers: r.headers, body: r.body, createdAt: r.created_at,
    }));
  }

  /**
   * Commits everything up to `seq` (never past the last stored message, never backwards) and returns the committed
   * position; without `seq`, only returns it (0 before the first commit).
   */
  async commit(endpointId: string, seq?: number): Promise<number> {
    if (seq === undefined) {
      const { rows } = await this.#pool.query<{ committed_seq: string }>('SELECT committed_seq FROM pull_cursors WHERE endpoint_id = $1', [endpointId]);
      return rows[0] ? Number(rows[0].committed_seq) : 0;
    }
    const { rows } = await this.#pool.query<{ committed_seq: string }>(
      `UPDATE pull_cursors SET committed_seq = GREATEST(committed_seq, LEAST($2::bigint, last_seq))
       WHERE endpoint_id = $1 RETURNING committed_seq`,
      [endpointId, seq],
    );
    return rows[0] ? Number(rows[0].committed_seq) : 0;
  }

  /**
   * A read renews a temporary endpoint: its expiry moves to now + its `expires_in_seconds`, written only once less
   * than half of that is left (each write also tells the dispatchers that the endpoint changed).
   */
  async renew(endpointId: string): Promise<void> {
    await this.#pool.query(
      `UPDATE endpoints SET expires_at = now() + make_interval(secs => expires_in_seconds)
       WHERE id = $1 AND expires_at IS NOT NULL AND expires_at < now() + make_interval(secs => expires_in_seconds / 2.0)`,
      [endpointId],
    );
  }

  /** Deletes up to `limit` temporary endpoints past their expiry (their messages go with them); returns their ids. */
  async deleteExpiredEndpoints(limit: number): Promise<string[]> {
    const { rows } = await this.#pool.query<{ id: string }>(
      'DELETE FROM endpoints WHERE id IN (SELECT id FROM endpoints WHERE expires_at < now() LIMIT $1) RETURNING id',
      [limit],
    );
    return rows.map((r) => r.id);
  }
}
