import pg from 'pg';

/** Database the services use; created on first start. */
export const DATABASE_NAME = 'hookline';

/** URL for `database` on the local cluster (trust auth, so no password). */
export function databaseUrl(port: number, database = DATABASE_NAME): string {
  return `postgres://postgres@127.0.0.1:${port}/${database}`;
}


/**
 * Connects to the maintenance database and runs `select 1`. Resolves to
 * undefined on success, else the error's message, so callers can explain why
 * whatever holds the port is unusable (not PostgreSQL, or wants a password).
 */
export async function probePostgres(port: number, timeoutMs = 3000): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: databaseUrl(port, 'postgres'), connectionTimeoutMillis: timeoutMs });
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Creates the `hookline` database unless it exists; safe against a concurrent creator. */
export async function ensureDatabase(port: number): Promise<boolean> {
  const client = new pg.Client({ connectionString: databaseUrl(port, 'postgres'), connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const existing = await client.query('select 1 from pg_database where datname = $1', [DATABASE_NAME]);
    if (existing.rowCount) return false;
    await client.query(`create database ${DATABASE_NAME}`);
    return true;
  } catch (error) {
    // 42P04 duplicate_database: another process won the race, which is fine.
    if ((error as { code?: string }).code === '42P04') return false;
    throw error;
  } finally {
    await client.end();
  }
}
