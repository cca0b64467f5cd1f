import { HooklineError } from '@hookline/contracts';

/**
 * What to do when writing a batch failed — decided here, in one place:
 * - `retry`: the database is unreachable, restarting, overloaded, or the transaction lost a race (deadlock,
 *   serialization); nothing is committed, the same batch is written again after a backoff.
 * - `isolate`: the database refused the data itself; the batch is written record by record so the one bad
 *   record is routed to the invalid topic and the rest are kept.
 */
export type WriteFailureAction = 'retry' | 'isolate';

/** SQLSTATE classes that blame the data (22 data exception, 23 integrity, 42 syntax or access rule). */
const DATA_CLASSES = new Set(['22', '23', '42']);

export function classifyWriteFailure(err: unknown): WriteFailureAction {
  const code = typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : '';
  // Node socket errors (ECONNREFUSED, ECONNRESET, ...) and every other SQLSTATE class are worth retrying.
  return /^[0-9A-Z]{5}$/.test(code) && DATA_CLASSES.has(code.slice(0, 2)) ? 'isolate' : 'retry';
}

/** A stable error for a batch the tracker could not write (logged and exposed on /readyz). */
export class TrackerWriteError extends HooklineError {
  declare readonly code: 'HKL_TRACKER_DB_UNAVAILABLE' | 'HKL_TRACKER_RECORD_UNWRITABLE';

  constructor(code: TrackerWriteError['code'], message: string, cause: unknown) {
    super({ code, message, cause, stage: 'write', retryable: code === 'HKL_TRACKER_DB_UNAVAILABLE' });
    this.name = 'TrackerWriteError';
  }
}
