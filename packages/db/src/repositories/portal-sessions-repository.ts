import { createHash, randomBytes } from 'node:crypto';
import { newId } from '@hookline/contracts';
import type pg from 'pg';

/** How the portal looks for this session (the sender's brand). */
export interface PortalTheme {
  primaryColor?: string | undefined;
  logoUrl?: string | undefined;
  name?: string | undefined;
  mode?: 'auto' | 'light' | 'dark' | undefined;
}

/** A live portal session: one application's portal, until it expires or is revoked. */
export interface PortalSession {
  id: string;
  tenantId: string;
  applicationId: string;
  readOnly: boolean;
  theme: PortalTheme;
  expiresAt: Date;
  createdAt: Date;
}

interface Row {
  id: string;
  tenant_id: string;
  application_id: string;
  read_only: boolean;
  theme: PortalTheme;
  expires_at: Date;
  created_at: Date;
}

const toSession = (r: Row): PortalSession => ({
  id: r.id,
  tenantId: r.tenant_id,
  applicationId: r.application_id,
  readOnly: r.read_only,
  theme: r.theme,
  expiresAt: r.expires_at,
  createdAt: r.created_at,
});

/** Portal tokens start with this; the rest is 32 random bytes. */
export const PORTAL_TOKEN_PREFIX = 'hlp_';

const hashToken = (token: string): Buffer => createHash('sha256').update(token).digest();

/** Portal sessions (magic links). The token is shown once; only its SHA-256 is stored. */
export class PortalSessionsRepository {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async create(
    tenantId: string,
    applicationId: string,
    input: { readOnly: boolean; theme: PortalTheme; expiresAt: Date },
  ): Promise<PortalSession & { token: string }> {
    const token = `${PORTAL_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const { rows } = await this.#pool.query<Row>(
      `INSERT INTO portal_sessions (id, tenant_id, application_id, token_hash, read_only, theme, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
      [newId('pss'), tenantId, applicationId, hashToken(token), input.readOnly, JSON.stringify(input.theme), input.expiresAt],
    );
    return { ...toSession(rows[0]!), token };
  }

  /** The live session of a token, or null (unknown, expired or revoked). */
  async forToken(token: string): Promise<PortalSession | null> {
    const { rows } = await this.#pool.query<Row>(
      'SELECT * FROM portal_sessions WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > now()',
      [hashToken(token)],
    );
    return rows[0] ? toSession(rows[0]) : null;
  }

  /** Revokes a session of the application; false when it has no such live session. */
  async revoke(tenantId: string, applicationId: string, id: string): Promise<boolean> {
    const { rowCount } = await this.#pool.query(
      'UPDATE portal_sessions SET revoked_at = now() WHERE id = $1 AND tenant_id = $2 AND application_id = $3 AND revoked_at IS NULL',
      [id, tenantId, applicationId],
    );
    return rowCount === 1;
  }

  /** Drops sessions that ended more than a day ago. Returns how many. */
  async deleteEnded(): Promise<number> {
    const { rowCount } = await this.#pool.query(
      "DELETE FROM portal_sessions WHERE expires_at < now() - interval '1 day' OR revoked_at < now() - interval '1 day'",
    );
    return rowCount ?? 0;
  }
}
