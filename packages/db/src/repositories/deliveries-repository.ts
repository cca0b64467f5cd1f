import type { DeliveryRecord, DeliveryStatus } from '@hookline/contracts';
import type pg from 'pg';
import { decodeCursor, encodeCursor, toPage, tsOfUs, usOf, type Page } from './page-cursor.ts';

/** One delivery (event × endpoint) and where it stands. */
export interface Delivery {
  id: string;
  eventId: string;
  tenantId: string;
  endpointId: string;
  applicationId: string | null;
  eventType: string | null;
  status: DeliveryStatus;
  /** Attempts recorded so far. */
  attempts: number;
  nextAttemptAt: Date | null;
  lastAttemptAt: Date | null;
  lastOutcome: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  succeededAt: Date | null;
  requeuedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

interface DeliveryRow {
  id: string;
  event_id: string;
  tenant_id: string;
  endpoint_id: string;
  application_id: string | null;
  event_type: string | null;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: Date | null;
  last_attempt_at: Date | null;
  last_outcome: string | null;
  last_status_code: number | null;
  last_error: string | null;
  succeeded_at: Date | null;
  requeued_at: Date | null;
  created_at: Date;
  updated_at: Date;
  cursor_us: string;
}

const toDelivery = (r: DeliveryRow): Delivery => ({
  id: r.id,
  eventId: r.event_id,
  tenantId: r.tenant_id,
  endpointId: r.endpoint_id,
  applicationId: r.application_id,
  eventType: r.event_type,
  status: r.status,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  lastAttemptAt: r.last_attempt_at,
  lastOutcome: r.last_outcome,
  lastStatusCode: r.last_status_code,
  lastError: r.last_error,
  succeededAt: r.succeeded_at,
  requeuedAt: r.requeued_at,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const COLUMNS = `id, event_id, tenant_id, endpoint_id, application_id, event_type, status, attempts, next_attempt_at, last_attempt_at,
  last_outcome, last_status_code, last_error, succeeded_at, requeued_at, created_at, updated_at, ${usOf('d.created_at')} AS cursor_us`;

/** Which deliveries to re-enqueue: replay (an event), recover (failed since a time), redrive (dead letters). */
export interface RequeueFilter {
  /** Only deliveries to this application's endpoints. */
  applicationId?: string | undefined;
  endpointId?: string | undefined;
  eventId?: string | undefined;
  /** Only deliveries in these states (e.g. `['dead']` for a redrive); all when absent. */
  statuses?: readonly DeliveryStatus[] | undefined;
  /** Deliveries created at or after / before. */
  since?: Date | undefined;
  until?: Date | undefined;
  /** Only these deliveries (a requeue job resuming the batch it was re-enqueueing when its runner died). */
  ids?: readonly string[] | undefined;
}

/** A bounded batch of deliveries to re-enqueue, rebuilt as deliveries-topic records, and where the next starts. */
export interface RequeueBatch {
  records: DeliveryRecord[];
  /** Deliveries whose event payload is gone (retention): they cannot be re-enqueued from the database. */
  missingEvents: string[];
  /** Keyset of the next batch; null when this was the last one. */
  nextCursor: string | null;
}

/** Deliveries recorded by the tracker: read by the API, selected and marked for replay, recover and redrive. */
export class DeliveriesRepository {
  readonly #pool: pg.Pool | pg.PoolClient;

  constructor(pool: pg.Pool | pg.PoolClient) {
    this.#pool = pool;
  }

  /**
   * Which of `deliveryIds` the tracker recorded as succeeded: deliveries that need nothing more (a replay sets its
   * delivery back to pending before producing it again, so a replayed one is never among them).
   */
  async succeededAmong(deliveryIds: readonly string[]): Promise<Set<string>> {
    if (deliveryIds.length === 0) return new Set();
    const { rows } = await this.#pool.query<{ id: string }>(`SELECT id FROM deliveries WHERE id = ANY($1::text[]) AND status = 'succeeded'`, [deliveryIds]);
    return new Set(rows.map((r) => r.id));
  }

  async get(tenantId: string, deliveryId: string): Promise<Delivery | null> {
    const { rows } = await this.#pool.query<DeliveryRow>(`SELECT ${COLUMNS} FROM deliveries d WHERE id = $1 AND tenant_id = $2`, [deliveryId, tenantId]);
    return rows[0] ? toDelivery(rows[0]) : null;
  }

  /** The deliveries of one event (one per endpoint it went to), by endpoint id. */
  async forEvent(tenantId: string, eventId: string): Promise<Delivery[]> {
    const { rows } = await this.#pool.query<DeliveryRow>(
      `SELECT ${COLUMNS} FROM deliveries d WHERE event_id = $1 AND tenant_id = $2 ORDER BY endpoint_id`,
      [eventId, tenantId],
    );
    return rows.map(toDelivery);
  }

  /**
   * An endpoint's deliveries, newest first, optionally only in some states: `statuses: ['dead']` lists its dead
   * letters (index `deliveries_endpoint_status_idx`).
   */
  async listByEndpoint(
    tenantId: string,
    endpointId: string,
    opts: { limit: number; cursor?: string | undefined; statuses?: readonly DeliveryStatus[] | undefined },
  ): Promise<Page<Delivery>> {
    const cursor = opts.cursor ? decodeCursor(opts.cursor) : null;
    if (opts.cursor && !cursor) throw new RangeError('invalid cursor');
    const { rows } = await this.#pool.query<DeliveryRow>(
      `SELECT ${COLUMNS} FROM deliveries d
       WHERE endpoint_id = $1 AND tenant_id = $2 AND ($3::text[] IS NULL OR status = ANY ($3))
         AND ($4::text IS NULL OR (created_at, id) < (${tsOfUs('$4')}, $5))
       ORDER BY created_at DESC, id DESC LIMIT $6`,
      [endpointId, tenantId, opts.statuses?.length ? opts.statuses : null, cursor?.createdUs ?? null, cursor?.id ?? null, opts.limit + 1],
    );
    return toPage(rows, opts.limit, toDelivery);
  }

  /**
   * A tenant's deliveries in some states, newest first, optionally of one endpoint: `['dead']` lists its dead
   * letters (index `deliveries_tenant_status_idx`).
   */
  async listByStatus(
    tenantId: string,
    statuses: readonly DeliveryStatus[],
    opts: { limit: number; cursor?: string | undefined; endpointId?: string | undefined; applicationId?: string | undefined },
  ): Promise<Page<Delivery>> {
    if (opts.endpointId) return this.listByEndpoint(tenantId, opts.endpointId, { ...opts, statuses });
    if (opts.applicationId) return this.#listByApplication(tenantId, opts.applicationId, statuses, opts);
    const cursor = opts.cursor ? decodeCursor(opts.cursor) : null;
    if (opts.cursor && !cursor) throw new RangeError('invalid cursor');
    const { rows } = await this.#pool.query<DeliveryRow>(
      `SELECT ${COLUMNS} FROM deliveries d
       WHERE tenant_id = $1 AND status = ANY ($2)
         AND ($3::text IS NULL OR (created_at, id) < (${tsOfUs('$3')}, $4))
       ORDER BY created_at DESC, id DESC LIMIT $5`,
      [tenantId, statuses, cursor?.createdUs ?? null, cursor?.id ?? null, opts.limit + 1],
    );
    return toPage(rows, opts.limit, toDelivery);
  }

  /** An application's deliveries in some states, newest first (index `deliveries_application_status_idx`). */
  async #listByApplication(tenantId: string, applicationId: string, statuses: readonly DeliveryStatus[], opts: { limit: number; cursor?: string | undefined }): Promise<Page<Delivery>> {
    const cursor = opts.cursor ? decodeCursor(opts.cursor) : null;
    if (opts.cursor && !cursor) throw new RangeError('invalid cursor');
    const { rows } = await this.#pool.query<DeliveryRow>(
      `SELECT ${COLUMNS} FROM deliveries d
       WHERE application_id = $1 AND tenant_id = $2 AND status = ANY ($3)
         AND ($4::text IS NULL OR (created_at, id) < (${tsOfUs('$4')}, $5))
       ORDER BY created_at DESC, id DESC LIMIT $6`,
      [applicationId, tenantId, statuses, cursor?.createdUs ?? null, cursor?.id ?? null, opts.limit + 1],
    );
    return toPage(rows, opts.limit, toDelivery);
  }

  /** How many deliveries a filter matches (progress totals of requeue jobs). */
  async countForRequeue(tenantId: string, filter: RequeueFilter): Promise<number> {
    const { rows } = await this.#pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM deliveries d WHERE ${requeueWhere('$7', '$8')}`,
      [tenantId, filter.endpointId ?? null, filter.eventId ?? null, filter.statuses?.length ? filter.statuses : null, filter.since ?? null, filter.until ?? null,
        filter.ids ?? null, filter.applicationId ?? null],
    );
    return Number(rows[0]?.n ?? 0);
  }

  /**
   * The next `limit` deliveries matching `filter` (oldest first, after `cursor`), rebuilt as deliveries-topic
   * records with their event's payload: re-producing them to the deliveries topic runs them through the
   * normal pipeline with the same delivery id and event id (so the same `webhook-id`).
   */
  async selectForRequeue(tenantId: string, filter: RequeueFilter, opts: { limit: number; cursor?: string | null | undefined }): Promise<RequeueBatch> {
    const cursor = opts.cursor ? decodeCursor(opts.cursor) : null;
    if (opts.cursor && !cursor) throw new RangeError('invalid cursor');
    const { rows } = await this.#pool.query<{
      id: string; event_id: string; tenant_id: string; endpoint_id: string; application_id: string | null; cursor_us: string;
      type: string | null; payload: Record<string, unknown> | null; event_created_at: Date | null; headers: Record<string, string> | null;
    }>(
      `SELECT d.id, d.event_id, d.tenant_id, d.endpoint_id, d.application_id, ${usOf('d.created_at')} AS cursor_us,
              e.type, e.payload, e.created_at AS event_created_at, e.headers
       FROM deliveries d
       LEFT JOIN LATERAL (
         SELECT type, payload, created_at, headers FROM events
         WHERE id = d.event_id AND tenant_id = d.tenant_id AND (d.event_created_at IS NULL OR created_at = d.event_created_at)
         LIMIT 1) e ON true
       WHERE ${requeueWhere('$10', '$11')}
         AND ($7::text IS NULL OR (d.created_at, d.id) > (${tsOfUs('$7')}, $8))
       ORDER BY d.created_at, d.id LIMIT $9`,
      [tenantId, filter.endpointId ?? null, filter.eventId ?? null, filter.statuses?.length ? filter.statuses : null, filter.since ?? null, filter.until ?? null,
        cursor?.createdUs ?? null, cursor?.id ?? null, opts.limit, filter.ids ?? null, filter.applicationId ?? null],
    );
    const records: DeliveryRecord[] = [];
    const missingEvents: string[] = [];
    for (const r of rows) {
      if (r.payload === null || r.type === null || r.event_created_at === null) {
        missingEvents.push(r.id);
        continue;
      }
      records.push({
        deliveryId: r.id, eventId: r.event_id, tenantId: r.tenant_id, endpointId: r.endpoint_id,
        ...(r.application_id ? { applicationId: r.application_id } : {}),
        ...(r.headers ? { headers: r.headers } : {}),
        type: r.type, data: r.payload, eventCreatedAt: r.event_created_at.toISOString(), attempt: 0,
      });
    }
    const last = rows[rows.length - 1];
    return { records, missingEvents, nextCursor: rows.length === opts.limit && last ? encodeCursor({ createdUs: last.cursor_us, id: last.id }) : null };
  }

  /**
   * Marks deliveries as re-enqueued: status `pending` from now on. Call it before producing their records, so
   * that a late attempt of the previous run (older than now) cannot overwrite the new state. Returns how many.
   */
  async markRequeued(tenantId: string, deliveryIds: readonly string[]): Promise<number> {
    if (deliveryIds.length === 0) return 0;
    const result = await this.#pool.query(
      `UPDATE deliveries SET status = 'pending', status_at = now(), status_attempt = 0, next_attempt_at = now(),
         requeued_at = now(), updated_at = now()
       WHERE tenant_id = $1 AND id = ANY ($2)`,
      [tenantId, deliveryIds],
    );
    return result.rowCount ?? 0;
  }
}

/** The requeue filter on parameters $1–$6, plus the delivery ids on `idsParam` and the application on `appParam`. */
const requeueWhere = (idsParam: string, appParam: string) => `d.tenant_id = $1 AND (${appParam}::text IS NULL OR d.application_id = ${appParam}) AND ($2::text IS NULL OR d.endpoint_id = $2) AND ($3::text IS NULL OR d.event_id = $3)
  AND ($4::text[] IS NULL OR d.status = ANY ($4)) AND ($5::timestamptz IS NULL OR d.created_at >= $5)
  AND ($6::timestamptz IS NULL OR d.created_at < $6) AND (${idsParam}::text[] IS NULL OR d.id = ANY (${idsParam}))`;
