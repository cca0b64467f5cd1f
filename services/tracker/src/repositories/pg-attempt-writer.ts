import type { AttemptRecord } from '@hookline/contracts';
import { AttemptsRepository } from '@hookline/db';
import type pg from 'pg';
import type { AttemptWriter } from '../domain/attempt-writer.ts';

/** {@link AttemptWriter} on PostgreSQL: one transaction per batch, multi-row inserts of `chunkRows` rows. */
export class PgAttemptWriter implements AttemptWriter {
  readonly #pool: pg.Pool;
  readonly #chunkRows: number;

  constructor(pool: pg.Pool, chunkRows: number) {
    this.#pool = pool;
    this.#chunkRows = chunkRows;
  }

  async insertMany(records: readonly AttemptRecord[]): Promise<number> {
    if (records.length === 0) return 0;
    const client = await this.#pool.connect();
    try {
      await client.query('BEGIN');
      const repo = new AttemptsRepository(client);
      let inserted = 0;
      for (let i = 0; i < records.length; i += this.#chunkRows) inserted += await repo.insertMany(records.slice(i, i + this.#chunkRows));
      await client.query('COMMIT');
      return inserted;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }
}
