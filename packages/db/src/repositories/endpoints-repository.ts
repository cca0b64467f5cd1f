import { newId } from '@hookline/contracts';
import type pg from 'pg';
import type { SecretBox } from '../secret-box.ts';
import { ApplicationsRepository } from './applications-repository.ts';
import { kafkaUrl, sealKafka, viewKafka, type EndpointType, type KafkaDestination, type KafkaDestinationView, type StoredKafkaDestination } from './kafka-destination.ts';

/** What a pull endpoint's `url` says: it has none to connect to, only the place its messages are read from. */
export const pullUrl = (id: string): string => `pull://${id}`;

/** `key`: one ordering key's events one at a time, in publish order (migration 0014); null: concurrent delivery. */
export type EndpointOrdering = 'key' | null;
/** What a dead delivery does to its key on an ordered endpoint: `skip` lets the next go, `block` waits for a redrive. */
export type OrderingOnDead = 'skip' | 'block';

/** How an endpoint signs: `v1` HMAC with `whsec_` secrets, or `v1a` ed25519 with `whsk_` secret keys. */
export type SignatureScheme = 'hmac-sha256' | 'ed25519';

/** An endpoint as the API shows it (never with its secret). */
export interface Endpoint {
  id: string;
  tenantId: string;
  applicationId: string;
  url: string;
  description: string;
  eventTypes: string[];
  headers: Record<string, string>;
  rateLimitPerSecond: number | null;
  timeoutMs: number | null;
  maxConcurrency: number | null;
  disabled: boolean;
  disabledReason: string | null;
  metadata: Record<string, unknown>;
  /** The content filter (docs/filters.md); null: every event of its types. */
  filter: Record<string, unknown> | null;
  signatureScheme: SignatureScheme;
  /** `http`: POST to `url`; `kafka`: produce to the `kafka` destination (`url` then only describes it). */
  type: EndpointType;
  /** The Kafka destination without its secrets (kafka endpoints only). */
  kafka: KafkaDestinationView | null;
  /** `key`: ordered per ordering key; null: concurrent. */
  ordering: EndpointOrdering;
  orderingOnDead: OrderingOnDead;
  /** A temporary pull endpoint's expiry (renewed by its reads); null: permanent. */
  expiresAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewEndpoint {
  /** The application it belongs to; absent: the tenant's default application. */
  applicationId?: string | undefined;
  /** Ignored for kafka endpoints (derived from the destination). */
  url: string;
  type?: EndpointType;
  /** Required when `type` is `kafka`; its secrets are encrypted before they are stored. */
  kafka?: KafkaDestination | undefined;
  /** A temporary pull endpoint: it expires this long after its creation or its last read. */
  expiresInSeconds?: number | undefined;
  /** A `whsec_` secret, or a `whsk_` secret key when `signatureScheme` is `ed25519`. */
  secret: string;
  signatureScheme?: SignatureScheme;
  eventTypes?: string[];
  description?: string;
  headers?: Record<string, string>;
  rateLimitPerSecond?: number | null;
  timeoutMs?: number | null;
  maxConcurrency?: number | null;
  disabled?: boolean;
  metadata?: Record<string, unknown>;
  /** A filter already validated (compileFilter); null or absent: none. */
  filter?: Record<string, unknown> | null;
  ordering?: EndpointOrdering | undefined;
  orderingOnDead?: OrderingOnDead | undefined;
}

/** Fields a PATCH may change (undefined: unchanged; null: back to the default). */
export interface EndpointPatch {
  url?: string;
  description?: string;
  eventTypes?: string[];
  headers?: Record<string, string>;
  rateLimitPerSecond?: number | null;
  timeoutMs?: number | null;
  maxConcurrency?: number | null;
  disabled?: boolean;
  metadata?: Record<string, unknown>;
  /** A filter already validated (compileFilter); null or absent: none. */
  filter?: Record<string, unknown> | null;
  /** The whole destination of a kafka endpoint (secrets included), replacing the stored one. */
  kafka?: KafkaDestination;
  ordering?: EndpointOrdering;
  orderingOnDead?: OrderingOnDead;
}

interface EndpointRow {
  id: string;
  tenant_id: string;
  application_id: string;
  url: string;
  description: string;
  event_types: string[];
  /** Newest first; an old secret keeps signing until `expiresAt` (rotation grace). */
  secrets: Array<{ ciphertext: string; expiresAt: string | null }>;
  headers: Record<string, string>;
  rate_limit_per_second: number | null;
  timeout_ms: number | null;
  max_concurrency: number | null;
  disabled: boolean;
  disabled_reason: string | null;
  metadata: Record<string, unknown>;
  filter: Record<string, unknown> | null;
  signature_scheme: SignatureScheme;
  type: EndpointType;
  kafka: StoredKafkaDestination | null;
  ordering: EndpointOrdering;
  ordering_on_dead: OrderingOnDead;
  expires_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

const toEndpoint = (r: EndpointRow): Endpoint => ({
  id: r.id,
  tenantId: r.tenant_id,
  applicationId: r.application_id,
  url: r.url,
  description: r.description,
  eventTypes: r.event_types,
  headers: r.headers,
  rateLimitPerSecond: r.rate_limit_per_second,
  timeoutMs: r.timeout_ms,
  maxConcurrency: r.max_concurrency,
  disabled: r.disabled,
  disabledReason: r.disabled_reason,
  metadata: r.metadata,
  filter: r.filter,
  signatureScheme: r.signature_scheme,
  type: r.type,
  kafka: r.kafka ? viewKafka(r.kafka) : null,
  ordering: r.ordering,
  orderingOnDead: r.ordering_on_dead,
  expiresAt: r.expires_at,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** `application_id` is the parameter's, or anything when the parameter is NULL. */
const inApp = (param: string) => `(${param}::text IS NULL OR application_id = ${param})`;

/** Endpoints of tenants; secrets are encrypted with the {@link SecretBox} before they reach the table. */
export class EndpointsRepository {
  readonly #pool: pg.Pool;
  readonly #box: SecretBox;

  constructor(pool: pg.Pool, box: SecretBox) {
    this.#pool = pool;
    this.#box = box;
  }

  async create(tenantId: string, input: NewEndpoint): Promise<Endpoint> {
    const applicationId = input.applicationId ?? (await new ApplicationsRepository(this.#pool).ensureDefault(tenantId)).id;
    const id = newId('ep');
    const { rows } = await this.#pool.query<EndpointRow>(
      `INSERT INTO endpoints (id, tenant_id, url, description, event_types, secrets, headers, rate_limit_per_second,
         timeout_ms, max_concurrency, disabled, metadata, filter, application_id, signature_scheme, type, kafka,
         expires_in_seconds, expires_at, ordering, ordering_on_dead)
       SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $15, id, $14, $16, $17,
         $18::integer, now() + make_interval(secs => $18::integer), $19, $20 FROM applications WHERE id = $13 AND tenant_id = $2
       RETURNING *`,
      [
        id,
        tenantId,
        input.kafka ? kafkaUrl(input.kafka) : input.type === 'pull' ? pullUrl(id) : input.url,
        input.description ?? '',
        input.eventTypes ?? [],
        JSON.stringify([{ ciphertext: this.#box.encrypt(input.secret), expiresAt: null }]),
        JSON.stringify(input.headers ?? {}),
        input.rateLimitPerSecond ?? null,
        input.timeoutMs ?? null,
        input.maxConcurrency ?? null,
        input.disabled ?? false,
        JSON.stringify(input.metadata ?? {}),
        applicationId,
        input.signatureScheme ?? 'hmac-sha256',
        input.filter ? JSON.stringify(input.filter) : null,
        input.kafka ? 'kafka' : (input.type ?? 'http'),
        input.kafka ? JSON.stringify(sealKafka(input.kafka, this.#box)) : null,
        input.type === 'pull' ? (input.expiresInSeconds ?? null) : null,
        input.ordering ?? null,
        input.orderingOnDead ?? 'skip',
      ],
    );
    // No row: the application is not the tenant's (or was deleted meanwhile).
    if (!rows[0]) throw new RangeError('no such application');
    return toEndpoint(rows[0]);
  }

  /** The tenant's endpoint (only when it belongs to `applicationId`, when given). */
  async get(tenantId: string, id: string, applicationId?: string): Promise<Endpoint | null> {
    const { rows } = await this.#pool.query<EndpointRow>(`SELECT * FROM endpoints WHERE tenant_id = $1 AND id = $2 AND ${inApp('$3')}`, [tenantId, id, applicationId ?? null]);
    return rows[0] ? toEndpoint(rows[0]) : null;
  }

  /** A page of the tenant's endpoints (of one application, when given) in id order, after the cursor id. */
  async list(tenantId: string, limit: number, afterId?: string, applicationId?: string): Promise<Endpoint[]> {
    const { rows } = await this.#pool.query<EndpointRow>(
      `SELECT * FROM endpoints WHERE tenant_id = $1 AND ($2::text IS NULL OR id > $2) AND ${inApp('$4')} ORDER BY id LIMIT $3`,
      [tenantId, afterId ?? null, limit, applicationId ?? null],
    );
    return rows.map(toEndpoint);
  }

  /** Applies a partial update; returns the updated endpoint, or null when the tenant has no such endpoint. */
  async update(tenantId: string, id: string, patch: EndpointPatch, applicationId?: string): Promise<Endpoint | null> {
    const columns: Record<Exclude<keyof EndpointPatch, 'kafka'>, string> = {
      url: 'url', description: 'description', eventTypes: 'event_types', headers: 'headers',
      rateLimitPerSecond: 'rate_limit_per_second', timeoutMs: 'timeout_ms', maxConcurrency: 'max_concurrency',
      disabled: 'disabled', metadata: 'metadata', filter: 'filter', ordering: 'ordering', orderingOnDead: 'ordering_on_dead',
    };
    const sets: string[] = [];
    const values: unknown[] = [tenantId, id, applicationId ?? null];
    for (const [field, column] of Object.entries(columns) as Array<[Exclude<keyof EndpointPatch, 'kafka'>, string]>) {
      const value = patch[field];
      if (value === undefined) continue;
      // A null filter clears it (SQL NULL, not the JSON null).
      values.push(field === 'headers' || field === 'metadata' || (field === 'filter' && value !== null) ? JSON.stringify(value) : value);
      sets.push(`${column} = $${values.length}`);
    }
    // A new Kafka destination (only of a kafka endpoint) replaces the stored one, and the url that describes it.
    if (patch.kafka) {
      values.push(JSON.stringify(sealKafka(patch.kafka, this.#box)), kafkaUrl(patch.kafka));
      sets.push(`kafka = CASE WHEN type = 'kafka' THEN $${values.length - 1}::jsonb ELSE kafka END`, `url = CASE WHEN type = 'kafka' THEN $${values.length} ELSE url END`);
    }
    // Re-enabling clears why it was disabled; disabling by hand records that.
    if (patch.disabled === false) sets.push('disabled_reason = NULL');
    if (patch.disabled === true) sets.push("disabled_reason = 'manual'");
    sets.push('updated_at = now()');
    const { rows } = await this.#pool.query<EndpointRow>(
      `UPDATE endpoints SET ${sets.join(', ')} WHERE tenant_id = $1 AND id = $2 AND ${inApp('$3')} RETURNING *`,
      values,
    );
    return rows[0] ? toEndpoint(rows[0]) : null;
  }

  async delete(tenantId: string, id: string, applicationId?: string): Promise<boolean> {
    const { rowCount } = await this.#pool.query(`DELETE FROM endpoints WHERE tenant_id = $1 AND id = $2 AND ${inApp('$3')}`, [tenantId, id, applicationId ?? null]);
    return rowCount === 1;
  }

  /** The newest signing secret (a `whsk_` secret key for ed25519 endpoints), or null when the tenant has no such endpoint. */
  async currentSecret(tenantId: string, id: string, applicationId?: string): Promise<string | null> {
    const { rows } = await this.#pool.query<Pick<EndpointRow, 'secrets'>>(
      `SELECT secrets FROM endpoints WHERE tenant_id = $1 AND id = $2 AND ${inApp('$3')}`,
      [tenantId, id, applicationId ?? null],
    );
    const newest = rows[0]?.secrets[0];
    return newest ? this.#box.decrypt(newest.ciphertext) : null;
  }

  /**
   * The secrets that sign at `now`, decrypted, newest first: the newest always, older ones until their rotation grace
   * ends (the dispatcher's rule). Null when the tenant has no such endpoint. Pull endpoints' reads sign with them.
   */
  async signingSecrets(tenantId: string, id: string, now: number = Date.now()): Promise<string[] | null> {
    const { rows } = await this.#pool.query<Pick<EndpointRow, 'secrets'>>('SELECT secrets FROM endpoints WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
    const row = rows[0];
    if (!row || row.secrets.length === 0) return null;
    return row.secrets
      .filter((s, i) => i === 0 || s.expiresAt === null || Date.parse(s.expiresAt) > now)
      .map((s) => this.#box.decrypt(s.ciphertext));
  }

  /**
   * Makes `secret` the signing secret; the previous one keeps signing alongside it for `graceMs`. Secrets whose
   * grace has passed are dropped. Returns false when the tenant has no such endpoint.
   */
  async rotateSecret(tenantId: string, id: string, secret: string, graceMs: number, opts: { applicationId?: string | undefined; now?: number } = {}): Promise<boolean> {
    const now = opts.now ?? Date.now();
    const client = await this.#pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<Pick<EndpointRow, 'secrets'>>(
        `SELECT secrets FROM endpoints WHERE tenant_id = $1 AND id = $2 AND ${inApp('$3')} FOR UPDATE`,
        [tenantId, id, opts.applicationId ?? null],
      );
      const current = rows[0];
      if (!current) {
        await client.query('ROLLBACK');
        return false;
      }
      const expiresAt = new Date(now + graceMs).toISOString();
      const previous = current.secrets
        .map((s, i) => (i === 0 ? { ...s, expiresAt } : s))
        .filter((s) => s.expiresAt !== null && Date.parse(s.expiresAt) > now);
      const secrets = [{ ciphertext: this.#box.encrypt(secret), expiresAt: null }, ...previous];
      await client.query('UPDATE endpoints SET secrets = $3, updated_at = now() WHERE tenant_id = $1 AND id = $2', [tenantId, id, JSON.stringify(secrets)]);
      await client.query('COMMIT');
      return true;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }
}
