import { loadConfig, pgFragment } from '@hookline/config';
import { migrate } from './migrate.ts';

/** `npm run migrate`: applies pending migrations to DATABASE_URL / DATABASE_SCHEMA. */
try {
  const cfg = loadConfig(pgFragment);
  const applied = await migrate({ url: cfg.DATABASE_URL, schema: cfg.DATABASE_SCHEMA, log: (m) => console.log(m) });
  console.log(applied.length ? `applied ${applied.length} migration(s)` : 'database is up to date');
} catch (err) {
  console.error((err as Error).message);
  process.exitCode = 1;
}
