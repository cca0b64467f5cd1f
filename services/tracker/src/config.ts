import { duration, httpFragment, kafkaFragment, memoryFragment, pgFragment, positiveInt, shutdownFragment, sourceTopicsFragment, telemetryFragment } from '@hookline/config';
import { z } from 'zod';

/** A fetch answers with at most kafkajs' default 10 MiB, so waiting for more could never be satisfied. */
const MAX_FETCH_MIN_BYTES = 10 * 1024 * 1024;
/** The consumer heartbeats between fetches: a longer wait would risk its 30 s session. */
const MAX_FETCH_WAIT_MS = 10_000;

/** Every variable the tracker reads. */
export const trackerConfigShape = {
  ...kafkaFragment,
  ...pgFragment,
  ...httpFragment(8082),
  ...telemetryFragment,
  ...shutdownFragment,
  ...memoryFragment,
  ...sourceTopicsFragment,
  TRACKER_BATCH_ROWS: positiveInt(1_000).describe(
    'Rows per INSERT statement when writing a fetched batch (a batch larger than this is written in several statements of one transaction).',
  ),
  TRACKER_CONCURRENCY: positiveInt(32).describe(
    "Topic-partition batches of a fetch the tracker handles at once; the batches of one kind of record handled together are written in one transaction.",
  ),
  TRACKER_FETCH_MIN_BYTES: positiveInt(131_072, MAX_FETCH_MIN_BYTES).describe(
    'Bytes the broker gathers before answering a tracker fetch (or TRACKER_FETCH_MAX_WAIT passes): larger fetches make fewer, larger transactions at moderate rates. At most 10 MiB (one fetch).',
  ),
  TRACKER_FETCH_MAX_WAIT: duration('1s', MAX_FETCH_WAIT_MS).describe(
    'Longest the broker holds a tracker fetch waiting for TRACKER_FETCH_MIN_BYTES; bounds how late a record reaches PostgreSQL at low rates. At most 10s (the consumer heartbeats between fetches).',
  ),
  TRACKER_NICE: z.coerce.number().int().min(0).max(19).default(10).describe(
    "CPU priority (nice value, 0–19) of the tracker's main thread: it writes history, which nothing on the delivery path waits for, so ingest and the dispatcher go first when they share the cores with it. 0 leaves the priority it started with; never raised above that.",
  ),
  RETENTION_DAYS: positiveInt(30).describe(
    'Days events, attempts and deliveries are kept; older day partitions are dropped, stragglers deleted in bounded batches.',
  ),
  RETENTION_INTERVAL: duration('1h').describe('How often the tracker creates upcoming day partitions and applies retention (e.g. 1h, 15m).'),
  RETENTION_BATCH_ROWS: positiveInt(5_000).describe('Rows per DELETE statement when retention deletes row by row (keeps locks short).'),
};

export type TrackerConfig = z.infer<z.ZodObject<typeof trackerConfigShape>>;
