import type pg from 'pg';

/** The language of an event type's schema. */
export type SchemaFormat = 'json' | 'avro' | 'protobuf';

/** How events of a type are written to the events topic: Hookline's JSON envelope, or registry-framed. */
export type RecordFormat = 'json' | 'registry';

/** An event type of a tenant. */
export interface EventType {
  name: string;
  description: string;
  /** The format of its schema; null: no schema, `data` is not validated. */
  schemaFormat: SchemaFormat | null;
  /** JSON Schema that `data` of events of this type must satisfy (format `json`). */
  schema: Record<string, unknown> | null;
  /** Avro record schema (format `avro`). */
  avroSchema: Record<string, unknown> | null;
  /** Protobuf schema, a .proto text (format `protobuf`). */
  protobufSchema: string | null;
  /** Schema registry subject the schema is registered under (null without a registry). */
  subject: string | null;
  schemaId: number | null;
  schemaVersion: number | null;
  recordFormat: RecordFormat;
  createdAt: Date;
  updatedAt: Date;
}

/** What a PUT of an event type stores. */
export type EventTypeInput = Omit<EventType, 'createdAt' | 'updatedAt'>;

interface Row {
  name: string;
  description: string;
  schema_format: SchemaFormat | null;
  schema: Record<string, unknown> | null;
  avro_schema: Record<string, unknown> | null;
  protobuf_schema: string | null;
  schema_subject: string | null;
  schema_id: number | null;
  schema_version: number | null;
  record_format: RecordFormat;
  created_at: Date;
  updated_at: Date;
}

const toEventType = (r: Row): EventType => ({
  name: r.name,
  description: r.description,
  schemaFormat: r.schema_format,
  schema: r.schema,
  avroSchema: r.avro_schema,
  protobufSchema: r.protobuf_schema,
  subject: r.schema_subject,
  schemaId: r.schema_id,
  schemaVersion: r.schema_version,
  recordFormat: r.record_format,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const json = (v: unknown) => (v === null ? null : JSON.stringify(v));

/** Event types per tenant. */
export class EventTypesRepository {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  /** Creates or replaces an event type; `created` tells which. */
  async upsert(tenantId: string, input: EventTypeInput): Promise<{ eventType: EventType; created: boolean }> {
    const { rows } = await this.#pool.query<Row & { created: boolean }>(
      `INSERT INTO event_types (tenant_id, name, description, schema_format, schema, avro_schema, protobuf_schema,
         schema_subject, schema_id, schema_version, record_format)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (tenant_id, name) DO UPDATE SET description = EXCLUDED.description,
         schema_format = EXCLUDED.schema_format, schema = EXCLUDED.schema, avro_schema = EXCLUDED.avro_schema,
         protobuf_schema = EXCLUDED.protobuf_schema, schema_subject = EXCLUDED.schema_subject,
         schema_id = EXCLUDED.schema_id, schema_version = EXCLUDED.schema_version,
         record_format = EXCLUDED.record_format, updated_at = now()
       RETURNING *, (xmax = 0) AS created`,
      [
        tenantId, input.name, input.description, input.schemaFormat, json(input.schema), json(input.avroSchema), input.protobufSchema,
        input.subject, input.schemaId, input.schemaVersion, input.recordFormat,
      ],
    );
    const row = rows[0]!;
    return { eventType: toEventType(row), created: row.created };
  }

  async get(tenantId: string, name: string): Promise<EventType | null> {
    const { rows } = await this.#pool.query<Row>('SELECT * FROM event_types WHERE tenant_id = $1 AND name = $2', [tenantId, name]);
    return rows[0] ? toEventType(rows[0]) : null;
  }

  /** The named types that exist and have a schema (for validating a batch in one query). */
  async withSchemas(tenantId: string, names: readonly string[]): Promise<Map<string, EventType>> {
    const { rows } = await this.#pool.query<Row>(
      'SELECT * FROM event_types WHERE tenant_id = $1 AND name = ANY ($2) AND schema_format IS NOT NULL',
      [tenantId, [...new Set(names)]],
    );
    return new Map(rows.map((r) => [r.name, toEventType(r)]));
  }

  async list(tenantId: string, limit: number, afterName?: string): Promise<EventType[]> {
    const { rows } = await this.#pool.query<Row>(
      'SELECT * FROM event_types WHERE tenant_id = $1 AND ($2::text IS NULL OR name > $2) ORDER BY name LIMIT $3',
      [tenantId, afterName ?? null, limit],
    );
    return rows.map(toEventType);
  }

  async delete(tenantId: string, name: string): Promise<boolean> {
    const { rowCount } = await this.#pool.query('DELETE FROM event_types WHERE tenant_id = $1 AND name = $2', [tenantId, name]);
    return rowCount === 1;
  }
}
