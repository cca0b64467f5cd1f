import type pg from 'pg';
import { decodeCursor, toPage, tsOfUs, usOf, type Page } from './page-cursor.ts';

/** An event as recorded by the tracker. */
export interface StoredEvent {
  id: string;
  tenantId: string;
  /** The application the event went to (null only for events recorded before applications existed). */
  applicationId: string | null;
  type: string;
  data: Record<string, unknown>;
  /** The event's metadata as published (null: none). */
  metadata: Record<string, string> | null;
  endpointId: string | null;
  createdAt: Date;
  recordedAt: Date;
  /** Position in the events topic (time-range replay from Kafka). */
  kafkaPartition: number | null;
  kafkaOffset: string | null;
}

export interface EventRow {
  id: string;
  tenant_id: string;
  application_id: string | null;
  type: string;
  payload: Record<string, unknown>;
  metadata: Record<string, string> | null;
  endpoint_id: string | null;
  created_at: Date;
  recorded_at: Date;
  kafka_partition: number | null;
  kafka_offset: string | null;
  cursor_us: string;
}

export const toStoredEvent = (r: EventRow): StoredEvent => ({
  id: r.id,
  tenantId: r.tenant_id,
  applicationId: r.application_id,
  type: r.type,
  data: r.payload,
  metadata: r.metadata,
  endpointId: r.endpoint_id,
  createdAt: r.created_at,
  recordedAt: r.recorded_at,
  kafkaPartition: r.kafka_partition,
  kafkaOffset: r.kafka_offset,
});

export interface ListEventsOptions {
  /** 1–1000. */
  limit: number;
  /** `nextCursor` of the previous page. */
  cursor?: string | undefined;
  /** Only events created at or after this time. */
  since?: Date | undefined;
  /** Only events created before this time. */
  until?: Date | undefined;
  /** Only events of these types. */
  types?: readonly string[] | undefined;
  /** Only events of this application (index `events_application_time_idx`). */
  applicationId?: string | undefined;
  /** Only events with a delivery in one of these states. */
  statuses?: readonly string[] | undefined;
  /** Only events with a delivery to this endpoint. */
  endpointId?: string | undefined;
}

const COLUMNS = `id, tenant_id, application_id, type, payload, metadata, endpoint_id, created_at, recorded_at, kafka_partition, kafka_offset, ${usOf('created_at')} AS cursor_us`;

/** Events recorded by the tracker, read by the API. Partition pruning applies whenever a time bound is given. */
export class EventsRepository {
  readonly #pool: pg.Pool | pg.PoolClient;

  constructor(pool: pg.Pool | pg.PoolClient) {
    this.#pool = pool;
  }

  /**
   * A tenant's events, newest first, keyset-paginated (index `events_tenant_time_idx`). Throws a
   * `RangeError` for a cursor that is not one of ours.
   */
  async list(tenantId: string, opts: ListEventsOptions): Promise<Page<StoredEvent>> {
    const cursor = opts.cursor ? decodeCursor(opts.cursor) : null;
    if (opts.cursor && !cursor) throw new RangeError('invalid cursor');
    const { rows } = await this.#pool.query<EventRow>(
      `SELECT ${COLUMNS} FROM events v
       WHERE tenant_id = $1
         AND ($2::timestamptz IS NULL OR created_at >= $2) AND ($3::timestamptz IS NULL OR created_at < $3)
         AND ($4::text[] IS NULL OR type = ANY ($4))
         AND ($5::text IS NULL OR (created_at, id) < (${tsOfUs('$5')}, $6))
         AND ($8::text IS NULL OR application_id = $8)
         AND ($9::text[] IS NULL AND $10::text IS NULL OR EXISTS (
           SELECT 1 FROM deliveries d WHERE d.event_id = v.id AND d.tenant_id = v.tenant_id
             AND ($9::text[] IS NULL OR d.status = ANY ($9)) AND ($10::text IS NULL OR d.endpoint_id = $10)))
       ORDER BY created_at DESC, id DESC LIMIT $7`,
      [tenantId, opts.since ?? null, opts.until ?? null, opts.types?.length ? opts.types : null, cursor?.createdUs ?? null, cursor?.id ?? null, opts.limit + 1,
        opts.applicationId ?? null, opts.statuses?.length ? opts.statuses : null, opts.endpointId ?? null],
    );
    return toPage(rows, opts.limit, toStoredEvent);
  }

  /** One event of a tenant (of one application, when given), or null (also null once retention removed it). */
  async get(tenantId: string, eventId: string, applicationId?: string): Promise<StoredEvent | null> {
    const { rows } = await this.#pool.query<EventRow>(
      `SELECT ${COLUMNS} FROM events WHERE id = $1 AND tenant_id = $2 AND ($3::text IS NULL OR application_id = $3) ORDER BY created_at LIMIT 1`,
      [eventId, tenantId, applicationId ?? null],
    );
    return rows[0] ? toStoredEvent(rows[0]) : null;
  }
}
