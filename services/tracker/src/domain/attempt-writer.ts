import type { AttemptRecord } from '@hookline/contracts';

/** Where the tracker writes attempts: one call per batch, all or nothing, idempotent on attempt id. */
export interface AttemptWriter {
  /** Writes the batch atomically; returns how many rows were new. */
  insertMany(records: readonly AttemptRecord[]): Promise<number>;
}
