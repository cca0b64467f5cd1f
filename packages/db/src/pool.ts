import pg from 'pg';

/** The validated `pgFragment` values. */
export interface PoolOptions {
  url: string;
  schema: string;
  max: number;
  applicationName: string;
}

/** A pg pool whose every connection uses Hookline's schema (`search_path`), so tests can isolate by schema. */
export function createPool({ url, schema, max, applicationName }: PoolOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    application_name: applicationName,
    options: `-c search_path=${schema}`,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
  });
  // An idle client losing its connection (database restart) must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  // Nor a checked-out client between two queries: its next query rejects, and the pool discards it on release.
  pool.on('connect', (client) => client.on('error', () => {}));
  return pool;
}

/** True when the database answers a trivial query (for `/readyz`). */
export async function pingDatabase(pool: pg.Pool): Promise<boolean> {
  try {
    await pool.query('SELECT 1');
    return true;
  } catch {
    return false;
  }
}
