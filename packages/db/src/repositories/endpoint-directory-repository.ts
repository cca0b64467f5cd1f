import type pg from 'pg';
import type { SecretBox } from '../secret-box.ts';
import { openKafkaSettings, type EndpointType, type KafkaDestination, type StoredKafkaDestination } from './kafka-destination.ts';

/** One signing secret of an endpoint, decrypted, with the end of its rotation grace (null: no end). */
export interface DirectorySecret {
  secret: string;
  expiresAt: number | null;
}

/** What the dispatcher keeps in memory of each endpoint: routing, limits and its decrypted secrets. */
export interface DirectoryEndpoint {
  id: string;
  tenantId: string;
  applicationId: string;
  url: string;
  eventTypes: string[];
  headers: Record<string, string>;
  rateLimitPerSecond: number | null;
  timeoutMs: number | null;
  maxConcurrency: number | null;
  disabled: boolean;
  disabledReason: string | null;
  /** Newest first. */
  secrets: DirectorySecret[];
  /** The content filter as stored (validated on save); null or absent (the operational webhook): every event of its types. */
  filter?: Record<string, unknown> | null;
  /** Absent (the operational webhook): `http`. */
  type?: EndpointType;
  /** A kafka endpoint's destination, secrets decrypted. */
  kafka?: KafkaDestination | null;
  /** `key`: one ordering key's deliveries one at a time, in order; null or absent: concurrent. */
  ordering?: 'key' | null;
  /** On an ordered endpoint, what a dead delivery does to its key (absent: `skip`). */
  orderingOnDead?: 'skip' | 'block';
}

interface Row {
  id: string;
  tenant_id: string;
  application_id: string;
  url: string;
  event_types: string[];
  secrets: Array<{ ciphertext: string; expiresAt: string | null }>;
  headers: Record<string, string>;
  rate_limit_per_second: number | null;
  timeout_ms: number | null;
  max_concurrency: number | null;
  disabled: boolean;
  disabled_reason: string | null;
  filter: Record<string, unknown> | null;
  type: EndpointType;
  kafka: StoredKafkaDestination | null;
  ordering: 'key' | null;
  ordering_on_dead: 'skip' | 'block';
}

/** What fan-out needs of an application: to find it by uid, and the tenant's default one. */
export interface DirectoryApplication {
  id: string;
  tenantId: string;
  uid: string | null;
  isDefault: boolean;
}

interface ApplicationRow {
  id: string;
  tenant_id: string;
  uid: string | null;
  is_default: boolean;
}

const toApplication = (r: ApplicationRow): DirectoryApplication => ({ id: r.id, tenantId: r.tenant_id, uid: r.uid, isDefault: r.is_default });

/** The notification channel of migration 0004; payload `<schema>:<endpoint id>`. */
export const ENDPOINT_CHANGES_CHANNEL = 'hookline_endpoints';

/**
 * The dispatcher's view of the endpoints table: loads endpoints (all, or some by id) with their secrets for
 * the in-memory subscription directory, and disables endpoints (410 Gone, failing too long).
 */
export class EndpointDirectoryRepository {
  readonly #pool: pg.Pool;
  readonly #box: SecretBox;

  constructor(pool: pg.Pool, box: SecretBox) {
    this.#pool = pool;
    this.#box = box;
  }

  /** Every endpoint (disabled ones too, so the deliver stage knows to drop their deliveries). */
  async loadAll(): Promise<DirectoryEndpoint[]> {
    const { rows } = await this.#pool.query<Row>('SELECT * FROM endpoints ORDER BY id');
    return rows.map((r) => this.#toEndpoint(r));
  }

  /** The endpoints with these ids that still exist. */
  async load(ids: readonly string[]): Promise<DirectoryEndpoint[]> {
    const { rows } = await this.#pool.query<Row>('SELECT * FROM endpoints WHERE id = ANY ($1)', [ids]);
    return rows.map((r) => this.#toEndpoint(r));
  }

  /** Every application (id, uid, default flag). */
  async loadAllApplications(): Promise<DirectoryApplication[]> {
    const { rows } = await this.#pool.query<ApplicationRow>('SELECT id, tenant_id, uid, is_default FROM applications');
    return rows.map(toApplication);
  }

  /** The applications with these ids that still exist. */
  async loadApplications(ids: readonly string[]): Promise<DirectoryApplication[]> {
    const { rows } = await this.#pool.query<ApplicationRow>('SELECT id, tenant_id, uid, is_default FROM applications WHERE id = ANY ($1)', [ids]);
    return rows.map(toApplication);
  }

  /** The tenant's application with this id or uid (or its default one when `ref` is undefined), if any. */
  async findApplication(tenantId: string, ref: string | undefined): Promise<DirectoryApplication | null> {
    const { rows } = await this.#pool.query<ApplicationRow>(
      `SELECT id, tenant_id, uid, is_default FROM applications
       WHERE tenant_id = $1 AND (CASE WHEN $2::text IS NULL THEN is_default ELSE (id = $2 OR uid = $2) END)
       ORDER BY (id = $2) DESC NULLS LAST LIMIT 1`,
      [tenantId, ref ?? null],
    );
    return rows[0] ? toApplication(rows[0]) : null;
  }

  /** Disables an enabled endpoint; true when this call disabled it (false: already disabled or gone). */
  async disable(id: string, reason: string): Promise<boolean> {
    const { rowCount } = await this.#pool.query(
      'UPDATE endpoints SET disabled = true, disabled_reason = $2, updated_at = now() WHERE id = $1 AND NOT disabled',
      [id, reason],
    );
    return (rowCount ?? 0) > 0;
  }

  /** The schema this pool's connections use (to filter notifications of other schemas). */
  async currentSchema(): Promise<string> {
    const { rows } = await this.#pool.query<{ s: string }>('SELECT current_schema() AS s');
    return rows[0]!.s;
  }

  #toEndpoint(r: Row): DirectoryEndpoint {
    return {
      id: r.id,
      tenantId: r.tenant_id,
      applicationId: r.application_id,
      url: r.url,
      eventTypes: r.event_types,
      headers: r.headers,
      rateLimitPerSecond: r.rate_limit_per_second,
      timeoutMs: r.timeout_ms,
      maxConcurrency: r.max_concurrency,
      disabled: r.disabled,
      disabledReason: r.disabled_reason,
      filter: r.filter,
      type: r.type,
      kafka: r.kafka ? openKafkaSettings(r.kafka, this.#box) : null,
      ordering: r.ordering,
      orderingOnDead: r.ordering_on_dead,
      secrets: r.secrets.map((s) => ({ secret: this.#box.decrypt(s.ciphertext), expiresAt: s.expiresAt === null ? null : Date.parse(s.expiresAt) })),
    };
  }
}
