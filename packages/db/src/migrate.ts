import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';

/** Where the numbered SQL migrations of this package live. */
export const MIGRATIONS_DIR = join(import.meta.dirname, '..', 'migrations');

export interface MigrateOptions {
  url: string;
  schema: string;
  dir?: string;
  log?: (msg: string) => void;
}

/**
 * Applies the pending migrations (`NNNN_name.sql`, in order) to `schema`, each in its own transaction and
 * recorded in `schema_migrations`. An advisory lock per schema makes concurrent starts safe: the second
 * service waits, then finds nothing left to do. Returns the versions applied.
 */
export async function migrate({ url, schema, dir = MIGRATIONS_DIR, log = () => {} }: MigrateOptions): Promise<string[]> {
  const files = (await readdir(dir)).filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f)).sort();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const applied: string[] = [];
  try {
    const ident = client.escapeIdentifier(schema);
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [`hookline.migrate.${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${ident}`);
    await client.query(`SET search_path TO ${ident}`);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version text PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const done = new Set((await client.query<{ version: string }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
    for (const file of files) {
      const version = file.slice(0, 4);
      if (done.has(version)) continue;
      const sql = await readFile(join(dir, file), 'utf8');
      await client.query('BEGIN');
      try {
        await client.query(sql);
        await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [version, file]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${file} failed: ${(err as Error).message}`, { cause: err });
      }
      applied.push(version);
      log(`applied migration ${file} to schema ${schema}`);
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock(hashtext($1))', [`hookline.migrate.${schema}`]).catch(() => {});
    await client.end();
  }
  return applied;
}
