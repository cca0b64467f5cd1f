import type pg from 'pg';

/** An event type of a tenant. */
export interface EventType {
  name: string;
  description: string;
  /** JSON Schema that `data` of events of this type must satisfy, if any. */
  schema: Record<string, unknown> | null;
  schemaId: number | null;
  schemaVersion: number | null;
  createdAt: Date;
  updatedAt: Date;
}

interface Row {
  name: string;
  description: string;
  schema: Record<string, unknown> | null;
  schema_id: number | null;
  schema_version: number | null;
  created_at: Date;
  updated_at: Date;
}

const toEventType = (r: Row): EventType => ({
  name: r.name,
  description: r.description,
  schema: r.schema,
  schemaId: r.schema_id,
  schemaVersion: r.schema_version,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** Event types per tenant. */
export class EventTypesRepository {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  /** Creates or replaces an event type; `created` tells which. */
  async upsert(
    tenantId: string,
    input: { name: string; description: string; schema: Record<string, unknown> | null; schemaId: number | null; schemaVersion: number | null },
  ): Promise<{ eventType: EventType; created: boolean }> {
    const { rows } = await this.#pool.query<Row & { created: boolean }>(
      `INSERT INTO event_types (tenant_id, name, description, schema, schema_id, schema_version)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (tenant_id, name) DO UPDATE SET description = EXCLUDED.description, schema = EXCLUDED.schema,
         schema_id = EXCLUDED.schema_id, schema_version = EXCLUDED.schema_version, updated_at = now()
       RETURNING *, (xmax = 0) AS created`,
      [tenantId, input.name, input.description, input.schema === null ? null : JSON.stringify(input.schema), input.schemaId, input.schemaVersion],
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
      'SELECT * FROM event_types WHERE tenant_id = $1 AND name = ANY ($2) AND schema IS NOT NULL',
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
