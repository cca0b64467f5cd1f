import type pg from 'pg';
import type { SecretBox } from '../secret-box.ts';

/** One signing secret of an endpoint, decrypted, with the end of its rotation grace (null: no end). */
export interface DirectorySecret {
  secret: string;
  expiresAt: number | null;
}

/** What the dispatcher keeps in memory of each endpoint: routing, limits and its decrypted secrets. */
export interface DirectoryEndpoint {
  id: string;
  tenantId: string;
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
}

interface Row {
  id: string;
  tenant_id: string;
  url: string;
  event_types: string[];
  secrets: Array<{ ciphertext: string; expiresAt: string | null }>;
  headers: Record<string, string>;
  rate_limit_per_second: number | null;
  timeout_ms: number | null;
  max_concurrency: number | null;
  disabled: boolean;
  disabled_reason: string | null;
}

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
      url: r.url,
      eventTypes: r.event_types,
      headers: r.headers,
      rateLimitPerSecond: r.rate_limit_per_second,
      timeoutMs: r.timeout_ms,
      maxConcurrency: r.max_concurrency,
      disabled: r.disabled,
      disabledReason: r.disabled_reason,
      secrets: r.secrets.map((s) => ({ secret: this.#box.decrypt(s.ciphertext), expiresAt: s.expiresAt === null ? null : Date.parse(s.expiresAt) })),
    };
  }
}
