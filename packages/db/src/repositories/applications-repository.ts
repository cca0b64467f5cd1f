import { newId } from '@hookline/contracts';
import type pg from 'pg';

/** One of a tenant's customers: its endpoints, event log, publish rate limit and portal sessions. */
export interface Application {
  id: string;
  tenantId: string;
  uid: string | null;
  name: string;
  metadata: Record<string, unknown>;
  rateLimitPerSecond: number | null;
  isDefault: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewApplication {
  name: string;
  uid?: string | null | undefined;
  metadata?: Record<string, unknown> | undefined;
  rateLimitPerSecond?: number | null | undefined;
}

export type ApplicationPatch = Partial<NewApplication>;

interface Row {
  id: string;
  tenant_id: string;
  uid: string | null;
  name: string;
  metadata: Record<string, unknown>;
  rate_limit_per_second: number | null;
  is_default: boolean;
  created_at: Date;
  updated_at: Date;
}

const toApplication = (r: Row): Application => ({
  id: r.id,
  tenantId: r.tenant_id,
  uid: r.uid,
  name: r.name,
  metadata: r.metadata,
  rateLimitPerSecond: r.rate_limit_per_second,
  isDefault: r.is_default,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** Thrown when another application of the tenant already has the uid. */
export class UidTakenError extends Error {
  readonly uid: string;

  constructor(uid: string) {
    super(`uid ${uid} is taken by another application`);
    this.uid = uid;
  }
}

const isUidConflict = (err: unknown) => (err as { code?: string; constraint?: string }).code === '23505' && (err as { constraint?: string }).constraint === 'applications_uid_unique';

/** Applications of tenants. The name given to the default one, created when a tenant-level route first needs it. */
export const DEFAULT_APPLICATION_NAME = 'Default';

export class ApplicationsRepository {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async create(tenantId: string, input: NewApplication): Promise<Application> {
    try {
      const { rows } = await this.#pool.query<Row>(
        `INSERT INTO applications (id, tenant_id, uid, name, metadata, rate_limit_per_second) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
        [newId('app'), tenantId, input.uid ?? null, input.name, JSON.stringify(input.metadata ?? {}), input.rateLimitPerSecond ?? null],
      );
      return toApplication(rows[0]!);
    } catch (err) {
      if (isUidConflict(err)) throw new UidTakenError(input.uid!);
      throw err;
    }
  }

  /** The tenant's application with this id, or else with this uid. */
  async find(tenantId: string, idOrUid: string): Promise<Application | null> {
    const { rows } = await this.#pool.query<Row>(
      'SELECT * FROM applications WHERE tenant_id = $1 AND (id = $2 OR uid = $2) ORDER BY (id = $2) DESC LIMIT 1',
      [tenantId, idOrUid],
    );
    return rows[0] ? toApplication(rows[0]) : null;
  }

  /** A page of the tenant's applications in id order, after the cursor id. */
  async list(tenantId: string, limit: number, afterId?: string): Promise<Application[]> {
    const { rows } = await this.#pool.query<Row>(
      'SELECT * FROM applications WHERE tenant_id = $1 AND ($2::text IS NULL OR id > $2) ORDER BY id LIMIT $3',
      [tenantId, afterId ?? null, limit],
    );
    return rows.map(toApplication);
  }

  /** Endpoint counts of some applications (the console's list). */
  async endpointCounts(ids: readonly string[]): Promise<Map<string, number>> {
    if (ids.length === 0) return new Map();
    const { rows } = await this.#pool.query<{ application_id: string; n: string }>(
      'SELECT application_id, count(*) AS n FROM endpoints WHERE application_id = ANY ($1) GROUP BY application_id',
      [ids],
    );
    return new Map(rows.map((r) => [r.application_id, Number(r.n)]));
  }

  async update(tenantId: string, id: string, patch: ApplicationPatch): Promise<Application | null> {
    const columns = { name: 'name', uid: 'uid', metadata: 'metadata', rateLimitPerSecond: 'rate_limit_per_second' } as const;
    const sets: string[] = [];
    const values: unknown[] = [tenantId, id];
    for (const [field, column] of Object.entries(columns) as Array<[keyof ApplicationPatch, string]>) {
      const value = patch[field];
      if (value === undefined) continue;
      values.push(field === 'metadata' ? JSON.stringify(value) : value);
      sets.push(`${column} = $${values.length}`);
    }
    sets.push('updated_at = now()');
    try {
      const { rows } = await this.#pool.query<Row>(`UPDATE applications SET ${sets.join(', ')} WHERE tenant_id = $1 AND id = $2 RETURNING *`, values);
      return rows[0] ? toApplication(rows[0]) : null;
    } catch (err) {
      if (isUidConflict(err)) throw new UidTakenError(String(patch.uid));
      throw err;
    }
  }

  /** Deletes an application with its endpoints (and so their pending deliveries) and portal sessions. */
  async delete(tenantId: string, id: string): Promise<boolean> {
    const { rowCount } = await this.#pool.query('DELETE FROM applications WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
    return rowCount === 1;
  }

  /** The tenant's default application, created on first use (concurrent first uses get the same one). */
  async ensureDefault(tenantId: string): Promise<Application> {
    const existing = await this.#pool.query<Row>('SELECT * FROM applications WHERE tenant_id = $1 AND is_default', [tenantId]);
    if (existing.rows[0]) return toApplication(existing.rows[0]);
    // On a conflict with a concurrent creation, DO UPDATE waits for it and returns its row (DO NOTHING would return
    // nothing, and a SELECT in the same statement could not see the other transaction's row yet).
    const { rows } = await this.#pool.query<Row>(
      `INSERT INTO applications (id, tenant_id, name, is_default) SELECT $2, $1, $3, true WHERE EXISTS (SELECT 1 FROM tenants WHERE id = $1)
       ON CONFLICT (tenant_id) WHERE is_default DO UPDATE SET is_default = true RETURNING *`,
      [tenantId, newId('app'), DEFAULT_APPLICATION_NAME],
    );
    if (!rows[0]) throw new RangeError(`no tenant ${tenantId}`);
    return toApplication(rows[0]);
  }
}
