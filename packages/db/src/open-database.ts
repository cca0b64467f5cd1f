import type { PgConfig } from '@hookline/config';
import type pg from 'pg';
import { migrate } from './migrate.ts';
import { createPool } from './pool.ts';

/** A service's start-up step for PostgreSQL: apply pending migrations, then open the pool. */
export async function openDatabase(config: PgConfig, applicationName: string, log: (msg: string) => void): Promise<pg.Pool> {
  await migrate({ url: config.DATABASE_URL, schema: config.DATABASE_SCHEMA, log });
  return createPool({ url: config.DATABASE_URL, schema: config.DATABASE_SCHEMA, max: config.DATABASE_POOL_MAX, applicationName });
}
