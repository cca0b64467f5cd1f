import { migrate } from '@hookline/db';
import { createLogger } from '@hookline/telemetry';
import { createTestWorld, type TestWorld } from '@hookline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dayPartition } from '../services/tracker/src/domain/partition-plan.ts';
import { RetentionJob } from '../services/tracker/src/maintenance/retention-job.ts';
import { PgPartitions } from '../services/tracker/src/repositories/pg-partitions.ts';

const log = createLogger({ service: 'test', level: 'silent' });
const NOW = Date.UTC(2030, 0, 31, 12); // retention 30 days: the cutoff is 2030-01-01T12:00Z

describe('tracker: retention', () => {
  let world: TestWorld;
  let partitions: PgPartitions;

  beforeAll(async () => {
    world = createTestWorld('tracker-retention');
    await migrate({ url: world.databaseUrl, schema: world.schema });
    partitions = new PgPartitions(world.pool);
  });
  afterAll(() => world?.cleanup());

  const insertAttempt = (id: string, createdAt: string) =>
    world.pool.query(
      `INSERT INTO attempts (id, delivery_id, event_id, tenant_id, endpoint_id, attempt, outcome, status, duration_ms, url, created_at)
       VALUES ($1, 'dlv', 'evt', 'ten', 'ep', 1, 'succeeded', 'succeeded', 5, 'u', $2)`,
      [id, createdAt],
    );
  const insertEvent = (id: string, createdAt: string) =>
    world.pool.query(`INSERT INTO events (id, tenant_id, type, payload, created_at) VALUES ($1, 'ten', 't', '{}', $2)`, [id, createdAt]);

  it('drops expired day partitions, deletes expired stragglers in batches, keeps the rest, and prepares upcoming days', async () => {
    for (const table of ['events', 'attempts'] as const) await partitions.create(dayPartition(table, Date.UTC(2029, 11, 25)));
    await insertAttempt('a_old_partition', '2029-12-25T10:00:00Z');
    await insertAttempt('a_old_default_1', '2029-11-01T00:00:00Z');
    await insertAttempt('a_old_default_2', '2030-01-01T06:00:00Z');
    await insertAttempt('a_kept_default', '2030-01-01T18:00:00Z');
    await insertAttempt('a_today', '2030-01-31T11:00:00Z'); // lands in the default partition until today's exists
    await insertEvent('e_old_partition', '2029-12-25T10:00:00Z');
    await insertEvent('e_old_default', '2029-10-01T00:00:00Z');
    await insertEvent('e_today', '2030-01-31T11:00:00Z');
    await world.pool.query(
      `INSERT INTO deliveries (id, event_id, tenant_id, endpoint_id, created_at) VALUES
         ('d_old', 'e', 'ten', 'ep', '2029-12-01T00:00:00Z'), ('d_new', 'e', 'ten', 'ep', '2030-01-30T00:00:00Z')`,
    );
    await world.pool.query(
      `INSERT INTO endpoint_health_minutes (endpoint_id, minute, attempts, successes, duration_histogram) VALUES
         ('ep', '2030-01-20T00:00:00Z', 1, 1, '{1}'), ('ep', '2030-01-31T11:59:00Z', 1, 1, '{1}')`,
    );

    const job = new RetentionJob(partitions, { retentionDays: 30, daysAhead: 2, batchRows: 1, maxBatchesPerRun: 100, rollupRetentionDays: 2 }, log, () => NOW);
    const report = await job.runOnce();
    expect(report.skipped).toBe(false);
    expect(report.dropped.sort()).toEqual(['attempts_p20291225', 'events_p20291225']);
    expect(report.created).toEqual(expect.arrayContaining(['attempts_p20300130', 'attempts_p20300131', 'attempts_p20300202', 'events_p20300131']));
    // pull_messages: test/pull-endpoints.test.ts (its rows need an endpoint).
    expect(report.deleted).toEqual({ events_default: 1, attempts_default: 2, deliveries: 1, endpoint_health_minutes: 1, pull_messages: 0 });

    const ids = async (sql: string) => (await world.pool.query<{ id: string }>(sql)).rows.map((r) => r.id).sort();
    expect(await ids('SELECT id FROM attempts')).toEqual(['a_kept_default', 'a_today']);
    expect(await ids('SELECT id FROM events')).toEqual(['e_today']);
    expect(await ids('SELECT id FROM deliveries')).toEqual(['d_new']);
    // Today's row moved out of the default partition when today's partition was attached.
    const { rows } = await world.pool.query("SELECT tableoid::regclass::text AS part FROM attempts WHERE id = 'a_today'");
    expect(rows[0].part).toMatch(/attempts_p20300131$/);

    const again = await job.runOnce();
    expect(again).toMatchObject({ created: [], dropped: [], skipped: false });
  });
});
