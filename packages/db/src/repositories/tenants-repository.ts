import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { newId } from '@hookline/contracts';
import type pg from 'pg';

const hashKey = (apiKey: string): Buffer => createHash('sha256').update(apiKey).digest();

/** Tenants and their API keys. Keys are `hk_` + 32 random bytes, shown once and stored only as SHA-256. */
export class TenantsRepository {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async create(name: string): Promise<{ id: string; name: string; createdAt: Date }> {
    const { rows } = await this.#pool.query<{ id: string; name: string; created_at: Date }>(
      'INSERT INTO tenants (id, name) VALUES ($1, $2) RETURNING id, name, created_at',
      [newId('ten'), name],
    );
    const row = rows[0]!;
    return { id: row.id, name: row.name, createdAt: row.created_at };
  }

  async exists(tenantId: string): Promise<boolean> {
    const { rowCount } = await this.#pool.query('SELECT 1 FROM tenants WHERE id = $1', [tenantId]);
    return rowCount === 1;
  }

  /** Issues a new API key for the tenant; the returned `apiKey` is the only time it is ever visible. */
  async createApiKey(tenantId: string): Promise<{ id: string; apiKey: string }> {
    const apiKey = `hk_${randomBytes(32).toString('base64url')}`;
    const id = newId('key');
    await this.#pool.query('INSERT INTO api_keys (id, tenant_id, key_hash) VALUES ($1, $2, $3)', [id, tenantId, hashKey(apiKey)]);
    return { id, apiKey };
  }

  /** Revokes a key; false when the tenant has no such live key. */
  async revokeApiKey(tenantId: string, keyId: string): Promise<boolean> {
    const { rowCount } = await this.#pool.query(
      'UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND tenant_id = $2 AND revoked_at IS NULL',
      [keyId, tenantId],
    );
    return rowCount === 1;
  }

  /** The tenant owning a live API key (and the key's id), or null. */
  async tenantForApiKey(apiKey: string): Promise<{ tenantId: string; keyId: string } | null> {
    const hash = hashKey(apiKey);
    const { rows } = await this.#pool.query<{ id: string; tenant_id: string; key_hash: Buffer }>(
      'SELECT id, tenant_id, key_hash FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL',
      [hash],
    );
    const row = rows[0];
    return row && timingSafeEqual(row.key_hash, hash) ? { tenantId: row.tenant_id, keyId: row.id } : null;
  }
}
