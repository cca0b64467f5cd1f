import type { Consumer } from 'kafkajs';
import type { KafkaLogSink } from './logger.ts';
import type { OffsetWatermark } from './offset-watermark.ts';

/** How long a finished record's offset may wait before it is committed (the commits of that time go as one). */
export const COMMIT_INTERVAL_MS = 250;

/**
 * How long a stopping consumer may take to leave its group after its drain: of the 3 s a service's stop keeps after
 * the drain (`drainBudgetMs`), the rest is for its producers, servers and pool.
 */
export const LEAVE_AFTER_DRAIN_MS = 2_000;

/** What became of a consumer's {@link IntervalCommitter.leave}. */
export type LeaveOutcome = 'left' | 'joining' | 'timed out';

/** Says in the service's log when a stopping consumer did not wait to leave its group (`consumer`: its name). */
export function logLeave(log: Pick<KafkaLogSink, 'info' | 'warn'>, consumer: string, outcome: LeaveOutcome): void {
  if (outcome === 'joining') log.info({ consumer }, 'stopped while joining its group: not waiting for the join to be answered');
  else if (outcome === 'timed out') log.warn({ consumer }, 'did not leave its group in time (the broker held a request); its partitions move once its session ends');
}

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
 * pauses fetching, lets the running batches (wrapped in `run`) finish and commits before the consumer disconnects
 * (`leave`).
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
  /** Between starting (or a rebalance, or a restart after a crash) and the join that follows: no partition is owned. */
  #joining = true;
  /** When a stopping consumer gives up on its last commit and on leaving its group (unix ms; set by `beginStop`). */
  #leaveBy: number | undefined;
  /** Called when the consumer starts joining (a stop's waits end then: see {@link leave}). */
  #joinStarted: Array<() => void> = [];

  constructor(consumer: Consumer, opts: { intervalMs?: number; onError: (err: unknown) => void }) {
    this.#consumer = consumer;
    this.#intervalMs = opts.intervalMs ?? COMMIT_INTERVAL_MS;
    this.#onError = opts.onError;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      this.#joining = false;
      const assigned = new Set(Object.entries(payload.memberAssignment).flatMap(([t, ps]) => ps.map((p) => `${t}\0${p}`)));
      this.#assigned = assigned;
      for (const key of this.#pending.keys()) if (!assigned.has(key)) this.#pending.delete(key);
    });
    consumer.on(consumer.events.REBALANCING, () => {
      this.#startJoining();
      void this.flush();
    });
    consumer.on(consumer.events.CRASH, () => this.#startJoining());
  }

  #startJoining(): void {
    this.#joining = true;
    for (const w of this.#joinStarted.splice(0)) w();
  }

  /**
   * `work`, waited for until the stop's deadline ({@link beginStop}) or until the consumer starts joining, whichever
   * comes first: kafkajs rejoins on a rebalance even while it is stopping, and the join holds the connection.
   */
  async #untilLeaveByOrJoining<T, L>(work: Promise<T>, late: L): Promise<T | L | 'joining'> {
    let onJoin: (() => void) | undefined;
    const joinStarted = new Promise<'joining'>((r) => this.#joinStarted.push((onJoin = () => r('joining'))));
    try {
      return await within(Promise.race([work, joinStarted]), this.#untilLeaveBy(), late);
    } finally {
      this.#joinStarted = this.#joinStarted.filter((w) => w !== onJoin);
    }
  }

  /**
   * Whether the consumer is joining its group (starting, after a rebalance or a crash) rather than holding an
   * assignment. The broker may hold a join for as long as a member that went away without leaving (a process killed)
   * keeps its session, up to the session timeout, and it answers one request of a connection at a time.
   */
  get joining(): boolean {
    return this.#joining;
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
   * Before disconnecting: pauses `topics`, waits up to `drainMs` for the running batches, and commits what finished
   * ({@link commitBeforeLeaving}, within {@link LEAVE_AFTER_DRAIN_MS} after the drain). A batch still running after
   * that is left uncommitted (the next owner does it again).
   */
  async stop(topics: string[], drainMs: number): Promise<void> {
    this.beginStop(drainMs);
    try {
      this.#consumer.pause(topics.map((topic) => ({ topic })));
    } catch {
      // Not running (never started, or already stopped).
    }
    if (this.#active > 0) await within(new Promise<void>((r) => this.#idle.push(r)), drainMs, undefined);
    await this.commitBeforeLeaving();
  }

  /**
   * The consumer starts stopping: it drains for up to `drainMs`, then has `leaveAfterDrainMs` for its last commit and
   * leaving its group ({@link commitBeforeLeaving}, {@link leave}). The first call sets the deadline.
   */
  beginStop(drainMs: number, leaveAfterDrainMs = LEAVE_AFTER_DRAIN_MS): void {
    this.#leaveBy ??= Date.now() + drainMs + leaveAfterDrainMs;
  }

  /** Until the stop's deadline ({@link beginStop}; without one, {@link LEAVE_AFTER_DRAIN_MS} from now). */
  #untilLeaveBy(): number {
    return (this.#leaveBy ?? Date.now() + LEAVE_AFTER_DRAIN_MS) - Date.now();
  }

  /**
   * The last commit of a stopping consumer, waited for until the stop's deadline (a request the broker holds on the
   * connection delays it: see {@link leave}). None while {@link joining}: the consumer owns no partition then, and the
   * commit would queue behind the join, then be refused. What is not committed is done again by the next owner.
   */
  async commitBeforeLeaving(): Promise<void> {
    if (this.#joining) return;
    await this.#untilLeaveByOrJoining(this.flush(), undefined);
  }

  /**
   * Disconnects the consumer, leaving its group, waiting until the stop's deadline ({@link beginStop}). kafkajs lets
   * every request in flight be answered first, and the broker may hold one — a join, while a member that went away
   * without leaving (a process killed) keeps its session, up to the session timeout (30 s) — and answers a
   * connection's requests one at a time. While the consumer is {@link joining} it is not waited for at all: it owns
   * nothing then; nor once it starts joining while leaving (kafkajs answers a rebalance its last fetch saw with a
   * join, stopping or not). A consumer left behind has committed what it finished (`stop`); its process ending closes
   * the connection, and the broker drops the member once its session passes without a heartbeat (its partitions move
   * then). Says whether it left, was joining, or ran out of time.
   */
  async leave(): Promise<LeaveOutcome> {
    const disconnected = this.#consumer.disconnect().then(
      () => 'left' as const,
      () => 'left' as const,
    );
    if (this.#joining) return 'joining';
    return this.#untilLeaveByOrJoining(disconnected, 'timed out' as const);
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

/** `work`'s result, or `late` if it has not settled within `ms`. */
async function within<T, L>(work: Promise<T>, ms: number, late: L): Promise<T | L> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([work, new Promise<L>((r) => (timer = setTimeout(() => r(late), Math.max(0, ms))))]);
  } finally {
    clearTimeout(timer);
  }
}
