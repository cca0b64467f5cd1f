import type pg from 'pg';
import type { DayPartition, PartitionedTable } from '../domain/partition-plan.ts';

/**
 * Partition DDL and bounded retention deletes. Every DDL statement runs with a short `lock_timeout`: when a long
 * query holds the table, the step gives up and the next run tries again, rather than queueing every writer
 * behind it.
 */
export class PgPartitions {
  readonly #pool: pg.Pool;
  readonly #lockTimeoutMs: number;

  constructor(pool: pg.Pool, lockTimeoutMs = 5_000) {
    this.#pool = pool;
    this.#lockTimeoutMs = lockTimeoutMs;
  }

  /** Names of the partitions of `table` in the current schema. */
  async list(table: PartitionedTable): Promise<string[]> {
    const { rows } = await this.#pool.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = to_regclass(quote_ident(current_schema()) || '.' || $1)`,
      [table],
    );
    return rows.map((r) => r.name).sort();
  }

  /**
   * Creates a day partition: a new table filled with that day's rows from the default partition (usually none),
   * then attached (which builds its indexes). Attaching locks less than `CREATE TABLE … PARTITION OF` and works
   * even when the default partition already holds rows of that day.
   */
  async create(p: DayPartition): Promise<void> {
    await this.#ddl(async (c) => {
      const [parent, part, def] = [p.table, p.name, `${p.table}_default`].map((n) => c.escapeIdentifier(n));
      // Held to the commit (ATTACH needs it anyway): no row of that day can slip into the default partition
      // between the move and the attach. Writers to other partitions are not blocked.
      await c.query(`LOCK TABLE ${def} IN ACCESS EXCLUSIVE MODE`);
      await c.query(`CREATE TABLE ${part} (LIKE ${parent} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`);
      await c.query(
        `WITH moved AS (DELETE FROM ${def} WHERE created_at >= $1 AND created_at < $2 RETURNING *) INSERT INTO ${part} SELECT * FROM moved`,
        [p.from, p.to],
      );
      await c.query(`ALTER TABLE ${parent} ATTACH PARTITION ${part} FOR VALUES FROM ('${p.from.toISOString()}') TO ('${p.to.toISOString()}')`);
    });
  }

  /** Detaches and drops a day partition: retention without deleting row by row. */
  async drop(p: DayPartition): Promise<void> {
    await this.#ddl(async (c) => {
      const [parent, part] = [p.table, p.name].map((n) => c.escapeIdentifier(n));
      await c.query(`ALTER TABLE ${parent} DETACH PARTITION ${part}`);
      await c.query(`DROP TABLE ${part}`);
    });
  }

  /**
   * Deletes up to `limit` rows created before `cutoff` from a table that is not dropped by partition (a default
   * partition, deliveries, rollups) in one short statement; returns how many went.
   */
  async deleteExpired(target: 'events_default' | 'attempts_default' | 'deliveries' | 'endpoint_health_minutes' | 'pull_messages', cutoff: Date, limit: number): Promise<number> {
    const column = target === 'endpoint_health_minutes' ? 'minute' : 'created_at';
    const result = await this.#pool.query(
      `DELETE FROM ${target} WHERE ctid IN (SELECT ctid FROM ${target} WHERE ${column} < $1 LIMIT $2)`,
      [cutoff, limit],
    );
    return result.rowCount ?? 0;
  }

  /** Runs `work` only if no other tracker instance is running maintenance on this schema; false when skipped. */
  async exclusively(work: () => Promise<void>): Promise<boolean> {
    const client = await this.#pool.connect();
    const key = "hashtext('hookline.tracker.maintenance.' || current_schema())";
    try {
      const { rows } = await client.query<{ locked: boolean }>(`SELECT pg_try_advisory_lock(${key}) AS locked`);
      if (!rows[0]?.locked) return false;
      try {
        await work();
        return true;
      } finally {
        await client.query(`SELECT pg_advisory_unlock(${key})`);
      }
    } finally {
      client.release();
    }
  }

  async #ddl(work: (client: pg.PoolClient) => Promise<void>): Promise<void> {
    const client = await this.#pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`SET LOCAL lock_timeout = ${Math.max(1, Math.floor(this.#lockTimeoutMs))}`);
      await work(client);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }
}
