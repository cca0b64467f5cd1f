import { createHash, randomBytes } from 'node:crypto';
import { newId } from '@hookline/contracts';
import type pg from 'pg';
import type { SecretBox } from '../secret-box.ts';

/** An inbound source as the API shows it (never its token or secrets). */
export interface Source {
  id: string;
  tenantId: string;
  /** Null: the tenant's default application. */
  applicationId: string | null;
  name: string;
  provider: string;
  /** The verification's non-secret settings (header, algorithm, encoding, prefix, username). */
  settings: Record<string, unknown>;
  eventType: string | null;
  allowedIps: string[];
  rateLimitPerSecond: number | null;
  responseStatus: number;
  responseBody: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A source with its active secrets, decrypted (newest first): what verifying a request needs. */
export interface SourceWithSecrets extends Source {
  secrets: string[];
}

export interface NewSource {
  applicationId: string | null;
  name: string;
  provider: string;
  settings: Record<string, unknown>;
  /** The verification secret (HMAC secret, password, token); null for provider `none`. */
  secret: string | null;
  eventType?: string | null | undefined;
  allowedIps?: string[] | undefined;
  rateLimitPerSecond?: number | null | undefined;
  responseStatus?: number | undefined;
  responseBody?: string | null | undefined;
}

export type SourcePatch = Partial<Pick<NewSource, 'applicationId' | 'name' | 'eventType' | 'allowedIps' | 'rateLimitPerSecond' | 'responseStatus' | 'responseBody'>>;

interface StoredSecret {
  ciphertext: string;
  expiresAt: string | null;
}

interface Row {
  id: string;
  tenant_id: string;
  application_id: string | null;
  name: string;
  provider: string;
  settings: Record<string, unknown>;
  secrets: StoredSecret[];
  event_type: string | null;
  allowed_ips: string[];
  rate_limit_per_second: number | null;
  response_status: number;
  response_body: string | null;
  created_at: Date;
  updated_at: Date;
}

const toSource = (r: Row): Source => ({
  id: r.id,
  tenantId: r.tenant_id,
  applicationId: r.application_id,
  name: r.name,
  provider: r.provider,
  settings: r.settings,
  eventType: r.event_type,
  allowedIps: r.allowed_ips,
  rateLimitPerSecond: r.rate_limit_per_second,
  responseStatus: r.response_status,
  responseBody: r.response_body,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** Source URL tokens start with this; the rest is 32 random bytes. */
export const SOURCE_TOKEN_PREFIX = 'hls_';

const hashToken = (token: string): Buffer => createHash('sha256').update(token).digest();
const newToken = () => `${SOURCE_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;

const columns: Record<keyof SourcePatch, string> = {
  applicationId: 'application_id',
  name: 'name',
  eventType: 'event_type',
  allowedIps: 'allowed_ips',
  rateLimitPerSecond: 'rate_limit_per_second',
  responseStatus: 'response_status',
  responseBody: 'response_body',
};

/**
 * Inbound sources of tenants. The URL token is shown once (on creation and rotation) and stored as SHA-256; the
 * verification secrets are encrypted with the {@link SecretBox}.
 */
export class SourcesRepository {
  readonly #pool: pg.Pool;
  readonly #box: SecretBox;

  constructor(pool: pg.Pool, box: SecretBox) {
    this.#pool = pool;
    this.#box = box;
  }

  async create(tenantId: string, input: NewSource): Promise<Source & { token: string }> {
    const token = newToken();
    const secrets = input.secret === null ? [] : [{ ciphertext: this.#box.encrypt(input.secret), expiresAt: null }];
    const { rows } = await this.#pool.query<Row>(
      `INSERT INTO sources (id, tenant_id, application_id, name, provider, settings, secrets, event_type, allowed_ips,
         rate_limit_per_second, response_status, response_body, token_hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING *`,
      [
        newId('src'), tenantId, input.applicationId, input.name, input.provider, JSON.stringify(input.settings), JSON.stringify(secrets),
        input.eventType ?? null, input.allowedIps ?? [], input.rateLimitPerSecond ?? null, input.responseStatus ?? 202,
        input.responseBody ?? null, hashToken(token),
      ],
    );
    return { ...toSource(rows[0]!), token };
  }

  async get(tenantId: string, id: string): Promise<Source | null> {
    const { rows } = await this.#pool.query<Row>('SELECT * FROM sources WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
    return rows[0] ? toSource(rows[0]) : null;
  }

  /** A page of the tenant's sources in id order, after the cursor id. */
  async list(tenantId: string, limit: number, afterId?: string): Promise<Source[]> {
    const { rows } = await this.#pool.query<Row>(
      'SELECT * FROM sources WHERE tenant_id = $1 AND ($2::text IS NULL OR id > $2) ORDER BY id LIMIT $3',
      [tenantId, afterId ?? null, limit],
    );
    return rows.map(toSource);
  }

  /** The source a URL token opens, with its secrets still in their grace period, or null. */
  async forToken(token: string, now = Date.now()): Promise<SourceWithSecrets | null> {
    const { rows } = await this.#pool.query<Row>('SELECT * FROM sources WHERE token_hash = $1', [hashToken(token)]);
    const row = rows[0];
    if (!row) return null;
    const secrets = row.secrets
      .filter((s) => s.expiresAt === null || Date.parse(s.expiresAt) > now)
      .map((s) => this.#box.decrypt(s.ciphertext));
    return { ...toSource(row), secrets };
  }

  async update(tenantId: string, id: string, patch: SourcePatch): Promise<Source | null> {
    const sets: string[] = [];
    const values: unknown[] = [tenantId, id];
    for (const [key, column] of Object.entries(columns) as Array<[keyof SourcePatch, string]>) {
      if (patch[key] === undefined) continue;
      values.push(patch[key]);
      sets.push(`${column} = $${values.length}`);
    }
    const { rows } = await this.#pool.query<Row>(
      `UPDATE sources SET ${[...sets, 'updated_at = now()'].join(', ')} WHERE tenant_id = $1 AND id = $2 RETURNING *`,
      values,
    );
    return rows[0] ? toSource(rows[0]) : null;
  }

  async delete(tenantId: string, id: string): Promise<boolean> {
    const { rowCount } = await this.#pool.query('DELETE FROM sources WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
    return rowCount === 1;
  }

  /** A new URL token; the previous one stops opening the source at once. Null when there is no such source. */
  async rotateToken(tenantId: string, id: string): Promise<{ source: Source; token: string } | null> {
    const token = newToken();
    const { rows } = await this.#pool.query<Row>(
      'UPDATE sources SET token_hash = $3, updated_at = now() WHERE tenant_id = $1 AND id = $2 RETURNING *',
      [tenantId, id, hashToken(token)],
    );
    return rows[0] ? { source: toSource(rows[0]), token } : null;
  }

  /**
   * Makes `secret` the verification secret; the previous one keeps verifying alongside it for `graceMs`. Secrets
   * whose grace has ended are dropped. False when there is no such source.
   */
  async rotateSecret(tenantId: string, id: string, secret: string, graceMs: number, now = Date.now()): Promise<boolean> {
    const expiresAt = new Date(now + graceMs).toISOString();
    // One statement: concurrent rotations serialise on the row lock, each seeing the other's result.
    const { rowCount } = await this.#pool.query(
      `UPDATE sources SET updated_at = now(), secrets = (
         SELECT jsonb_build_array(jsonb_build_object('ciphertext', $3::text, 'expiresAt', NULL)) || coalesce(jsonb_agg(s), '[]'::jsonb)
         FROM (
           SELECT CASE WHEN ord = 1 THEN jsonb_set(elem, '{expiresAt}', to_jsonb($4::text)) ELSE elem END AS s
           FROM jsonb_array_elements(sources.secrets) WITH ORDINALITY AS t(elem, ord)
         ) kept
         WHERE (s->>'expiresAt') IS NOT NULL AND (s->>'expiresAt')::timestamptz > to_timestamp($5::double precision / 1000)
       )
       WHERE tenant_id = $1 AND id = $2`,
      [tenantId, id, this.#box.encrypt(secret), expiresAt, now],
    );
    return rowCount === 1;
  }
}
