import { readdirSync } from 'node:fs';
import { migrate, MIGRATIONS_DIR } from '@hookline/db';
import { createTestWorld, type TestWorld } from '@hookline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('migrations', () => {
  let world: TestWorld;
  beforeAll(() => {
    world = createTestWorld('migrations');
  });
  afterAll(() => world.cleanup());

  it('apply once, in order, even when several services start at the same moment', async () => {
    const files = readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql')).sort();
    const runs = await Promise.all(
      Array.from({ length: 4 }, () => migrate({ url: world.databaseUrl, schema: world.schema })),
    );
    expect(runs.flat().sort()).toEqual(files.map((f) => f.slice(0, 4)));
    const { rows } = await world.pool.query<{ version: string }>('SELECT version FROM schema_migrations ORDER BY version');
    expect(rows.map((r) => r.version)).toEqual(files.map((f) => f.slice(0, 4)));
    expect(await migrate({ url: world.databaseUrl, schema: world.schema })).toEqual([]);
  });

  it('roll back a failing migration completely', async () => {
    const dir = await import('node:fs/promises').then((fs) => fs.mkdtemp('/tmp/hookline-migrations-'));
    const { writeFile } = await import('node:fs/promises');
    await writeFile(`${dir}/0001_ok.sql`, 'CREATE TABLE ok_table (id int);');
    await writeFile(`${dir}/0002_bad.sql`, 'CREATE TABLE half_done (id int); SELECT no_such_function();');
    const schema = `${world.schema}_bad`;
    await expect(migrate({ url: world.databaseUrl, schema, dir })).rejects.toThrow(/0002_bad\.sql/);
    const { rows } = await world.pool.query(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name",
      [schema],
    );
    expect(rows.map((r) => r.table_name)).toEqual(['ok_table', 'schema_migrations']);
    await world.pool.query(`DROP SCHEMA ${schema} CASCADE`);
  });
});
