import { readdirSync } from 'node:fs';
import { copyFile, mkdtemp, writeFile } from 'node:fs/promises';
import { migrate, MIGRATIONS_DIR } from '@hookline/db';
import { createTestWorld, type TestWorld } from '@hookline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('migrations', () => {
  let world: TestWorld;
  beforeAll(() => {
    world = createTestWorld('migrations');
  });
  afterAll(() => world.cleanup());

  /** Migrates `schema` up to, not including, `version`; returns the versions a full migration applies from there. */
  const migrateBefore = async (version: string, schema: string): Promise<string[]> => {
    const dir = await mkdtemp('/tmp/hookline-migrations-');
    const files = readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql')).sort();
    for (const f of files.filter((f) => f < version)) await copyFile(`${MIGRATIONS_DIR}/${f}`, `${dir}/${f}`);
    await migrate({ url: world.databaseUrl, schema, dir });
    return files.filter((f) => f >= version).map((f) => f.slice(0, 4));
  };

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
    const dir = await mkdtemp('/tmp/hookline-migrations-');
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

  it('0006 moves the endpoints of existing tenants into a default application, with their history', async () => {
    const schema = `${world.schema}_before_apps`;
    const later = await migrateBefore('0006', schema);
    const client = await world.pool.connect();
    try {
      await client.query(`SET search_path TO ${schema}`);
      await client.query("INSERT INTO tenants (id, name) VALUES ('ten_old', 'old'), ('ten_empty', 'no endpoints')");
      await client.query(`INSERT INTO endpoints (id, tenant_id, url, secrets) VALUES ('ep_old', 'ten_old', 'https://example.com', '[]')`);
      await client.query(`INSERT INTO deliveries (id, event_id, tenant_id, endpoint_id, created_at) VALUES ('dlv_old', 'evt_old', 'ten_old', 'ep_old', now())`);
      await client.query(`INSERT INTO events (id, tenant_id, type, payload, created_at) VALUES ('evt_old', 'ten_old', 't', '{}', now())`);
      await client.query('RESET search_path');
    } finally {
      client.release();
    }
    // 0006 and every later migration.
    expect(await migrate({ url: world.databaseUrl, schema })).toEqual(later);
    const apps = await world.pool.query(`SELECT id, tenant_id, is_default, name FROM ${schema}.applications`);
    expect(apps.rows).toHaveLength(1);
    expect(apps.rows[0]).toMatchObject({ tenant_id: 'ten_old', is_default: true, name: 'Default' });
    const appId = apps.rows[0].id as string;
    expect((await world.pool.query(`SELECT application_id FROM ${schema}.endpoints WHERE id = 'ep_old'`)).rows[0].application_id).toBe(appId);
    expect((await world.pool.query(`SELECT application_id FROM ${schema}.deliveries WHERE id = 'dlv_old'`)).rows[0].application_id).toBe(appId);
    expect((await world.pool.query(`SELECT application_id FROM ${schema}.events WHERE id = 'evt_old'`)).rows[0].application_id).toBe(appId);
    await world.pool.query(`DROP SCHEMA ${schema} CASCADE`);
  });

  it('0007 marks existing schemas as JSON Schema, registered ones with their subject', async () => {
    const schema = `${world.schema}_before_formats`;
    const later = await migrateBefore('0007', schema);
    await world.pool.query(`INSERT INTO ${schema}.tenants (id, name) VALUES ('ten_old', 'old')`);
    await world.pool.query(
      `INSERT INTO ${schema}.event_types (tenant_id, name, schema, schema_id, schema_version) VALUES
         ('ten_old', 'registered', '{"type": "object"}', 7, 2), ('ten_old', 'local', '{"type": "object"}', NULL, 1),
         ('ten_old', 'untyped', NULL, NULL, NULL)`,
    );
    expect(await migrate({ url: world.databaseUrl, schema })).toEqual(later);
    const { rows } = await world.pool.query(`SELECT name, schema_format, schema_subject, record_format FROM ${schema}.event_types ORDER BY name`);
    expect(rows).toEqual([
      { name: 'local', schema_format: 'json', schema_subject: null, record_format: 'json' },
      { name: 'registered', schema_format: 'json', schema_subject: 'hookline-ten_old-registered', record_format: 'json' },
      { name: 'untyped', schema_format: null, schema_subject: null, record_format: 'json' },
    ]);
    // A schema in a column that is not its format's, or registry framing without a registered schema, cannot be stored.
    await expect(world.pool.query(`UPDATE ${schema}.event_types SET schema_format = 'avro' WHERE name = 'local'`)).rejects.toThrow(/schema_columns_check/);
    await expect(world.pool.query(`UPDATE ${schema}.event_types SET record_format = 'registry' WHERE name = 'local'`)).rejects.toThrow(/registry_framing_check/);
    await world.pool.query(`DROP SCHEMA ${schema} CASCADE`);
  });

  it('0017 drops the attempts indexes no query reads, from day partitions attached before it too', async () => {
    const schema = `${world.schema}_before_unread`;
    const later = await migrateBefore('0017', schema);
    await world.pool.query(`CREATE TABLE ${schema}.attempts_p20300101 PARTITION OF ${schema}.attempts FOR VALUES FROM ('2030-01-01') TO ('2030-01-02')`);
    const leadingColumns = async () => {
      const { rows } = await world.pool.query<{ lead: string }>(
        `SELECT DISTINCT a.attname AS lead FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
         JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = i.indkey[0]
         WHERE n.nspname = $1 AND t.relname IN ('attempts', 'attempts_default', 'attempts_p20300101') ORDER BY 1`,
        [schema],
      );
      return rows.map((r) => r.lead);
    };
    expect(await leadingColumns()).toEqual(['created_at', 'delivery_id', 'endpoint_id', 'event_id', 'id', 'tenant_id']);
    expect(await migrate({ url: world.databaseUrl, schema })).toEqual(later);
    expect(await leadingColumns()).toEqual(['created_at', 'delivery_id', 'event_id', 'id']);
    await world.pool.query(`DROP SCHEMA ${schema} CASCADE`);
  });
});
