import type { Consumer } from 'kafkajs';
import type { OffsetWatermark } from './offset-watermark.ts';

/** How long a finished record's offset may wait before it is committed (the commits of that time go as one). */
export const COMMIT_INTERVAL_MS = 250;

/**
 * Offset commits at an interval instead of after every batch. kafkajs' `autoCommit` sends an OffsetCommit request after
 * each partition's batch, so at moderate rates, where a fetch brings a record or two per partition, a consumer commits
 * about once per record: as many broker round trips as the records themselves. Here the caller reports what it has
 * finished (`done`, after the work is durable elsewhere) and every partition's latest offset goes in one request at
 * most `intervalMs` later, or at once on `flush` (before stopping). Use with `autoCommit: false`.
 *
 * At least once, as before: what finished in the last interval before a crash is done again by the next owner. When
 * kafkajs sees a rebalance the pending offsets are committed at once (best effort: the broker refuses them once the
 * new generation formed); partitions this member no longer owns afterwards are dropped, never committed. `stop`
 * pauses fetching, lets the running batches (wrapped in `run`) finish and commits before the consumer disconnects.
 *
 * Records finished out of order (concurrent work within a partition) are reported with `advance` and an
 * {@link OffsetWatermark}: an offset is committed only once every record before it finished. A commit the broker
 * refused is tried again with the next one, unless the partition moved on or was revoked meanwhile.
 */
export class IntervalCommitter {
  readonly #consumer: Consumer;
  readonly #intervalMs: number;
  readonly #onError: (err: unknown) => void;
  /** "topic\0partition" → next offset to read. */
  readonly #pending = new Map<string, { topic: string; partition: number; offset: string }>();
  #timer: NodeJS.Timeout | undefined;
  #committing: Promise<void> = Promise.resolve();
  #active = 0;
  #idle: Array<() => void> = [];
  /** "topic\0partition" of the partitions assigned at the last join (null before the first). */
  #assigned: ReadonlySet<string> | null = null;

  constructor(consumer: Consumer, opts: { intervalMs?: number; onError: (err: unknown) => void }) {
    this.#consumer = consumer;
    this.#intervalMs = opts.intervalMs ?? COMMIT_INTERVAL_MS;
    this.#onError = opts.onError;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      const assigned = new Set(Object.entries(payload.memberAssignment).flatMap(([t, ps]) => ps.map((p) => `${t}\0${p}`)));
      this.#assigned = assigned;
      for (const key of this.#pending.keys()) if (!assigned.has(key)) this.#pending.delete(key);
    });
    consumer.on(consumer.events.REBALANCING, () => void this.flush());
  }

  /** Runs one batch's handler, counted so that `stop` can wait for it. */
  async run<T>(handler: () => Promise<T>): Promise<T> {
    this.#active += 1;
    try {
      return await handler();
    } finally {
      this.#active -= 1;
      if (this.#active === 0) for (const w of this.#idle.splice(0)) w();
    }
  }

  /**
   * Before disconnecting: pauses `topics`, waits up to `drainMs` for the running batches, and commits what finished.
   * A batch still running after that is left uncommitted (the next owner does it again).
   */
  async stop(topics: string[], drainMs: number): Promise<void> {
    try {
      this.#consumer.pause(topics.map((topic) => ({ topic })));
    } catch {
      // Not running (never started, or already stopped).
    }
    if (this.#active > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((r) => this.#idle.push(r)),
        new Promise<void>((r) => (timer = setTimeout(r, drainMs))),
      ]);
      clearTimeout(timer);
    }
    await this.flush();
  }

  /** Records up to and including `offset` of the partition are finished (ignored for a partition no longer assigned). */
  done(topic: string, partition: number, offset: string): void {
    const key = `${topic}\0${partition}`;
    // Work that finished after its partition was revoked is the new owner's to commit.
    if (!this.#owned(key)) return;
    this.#pending.set(key, { topic, partition, offset: (BigInt(offset) + 1n).toString() });
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      void this.flush();
    }, this.#intervalMs);
  }

  /**
   * Hands on the partition's watermark: its committable offset (every record before it finished) goes with the next
   * commit. Call it whenever records of the partition finished, in any order.
   */
  advance(topic: string, partition: number, mark: OffsetWatermark): void {
    const next = mark.committable();
    if (next === null) return;
    mark.committed(next);
    this.done(topic, partition, (next - 1n).toString());
  }

  #owned(key: string): boolean {
    return this.#assigned === null || this.#assigned.has(key);
  }

  /** Commits what is pending now; resolves when it (and any commit before it) was answered. Never rejects. */
  flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#committing = this.#committing.then(async () => {
      if (this.#pending.size === 0) return;
      const offsets = [...this.#pending.values()];
      this.#pending.clear();
      try {
        await this.#consumer.commitOffsets(offsets);
      } catch (err) {
        // A rebalance in progress or a lost coordinator: the next owner starts from the last committed offset. The
        // offsets go again with the next commit, unless newer ones came or the partition was revoked meanwhile.
        for (const o of offsets) {
          const key = `${o.topic}\0${o.partition}`;
          if (!this.#pending.has(key) && this.#owned(key)) this.#pending.set(key, o);
        }
        this.#onError(err);
      }
    });
    return this.#committing;
  }
}
