import { backoffMs } from '@hookline/contracts';
import type { Logger } from '@hookline/telemetry';
import { IntervalCommitter, OffsetWatermark } from '@hookline/kafka';
import type { Consumer, EachBatchPayload, KafkaMessage } from 'kafkajs';

/** What the pipeline knows about a record beyond its content. */
export interface RecordContext {
  /**
   * The record was already in the partition when this consumer was given it, so an earlier owner (a crashed or
   * rebalanced-away instance) may have handled it without committing its offset.
   */
  maybeHandledBefore: boolean;
}

/** Backoff between tries of a record whose handling failed: up to 0.1 s, doubling, up to 5 s. */
const HANDLE_BACKOFF = { baseMs: 100, maxMs: 5_000 };

export interface PipelineOptions {
  consumer: Consumer;
  topics: string[];
  /** Partitions processed at once by this consumer. */
  partitionsConcurrently: number;
  /** Records in flight at most, all partitions together; fetching waits above it. */
  maxInFlight: number;
  log: Logger;
  /**
   * Handles one record; resolves when it is finished or handed to another topic (acknowledged). A rejection is
   * retried with backoff; a rejection while stopping leaves the record uncommitted for the next owner.
   */
  handle: (topic: string, partition: number, message: KafkaMessage, signal: AbortSignal, context: RecordContext) => Promise<void>;
  /** When the record may be handled (unix ms); the partition pauses until then. Absent: at once. */
  dueAt?: (message: KafkaMessage) => number | null;
  now?: () => number;
}

/**
 * Concurrent processing within partitions with commit watermarks: every fetched record starts at once (up to
 * `maxInFlight`), so a slow record never holds back the ones behind it; offsets are committed only up to the
 * lowest record not yet finished (an {@link OffsetWatermark} per partition, committed by an {@link IntervalCommitter}).
 * A record that is not due yet pauses its partition (not the consumer, not a sleep per message) until it is. On rebalance, revoked partitions are forgotten (their in-flight records are
 * redone by the new owner: at least once).
 */
export class PartitionPipeline {
  readonly #o: PipelineOptions;
  readonly #now: () => number;
  readonly #marks = new Map<string, OffsetWatermark>();
  /** Per partition: the end of the log when this consumer was given it (records below it may have been handled). */
  readonly #takenOverBelow = new Map<string, bigint>();
  readonly #abort = new AbortController();
  readonly #resumeTimers = new Set<NodeJS.Timeout>();
  #inFlight = 0;
  #slotWaiters: Array<() => void> = [];
  #idleWaiters: Array<() => void> = [];
  readonly #committer: IntervalCommitter;
  #stopping = false;

  constructor(options: PipelineOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
    this.#committer = new IntervalCommitter(options.consumer, {
      onError: (err) => options.log.warn({ err }, 'offset commit failed'),
    });
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  async start(): Promise<void> {
    const { consumer } = this.#o;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      const assigned = new Set(Object.entries(payload.memberAssignment).flatMap(([t, ps]) => ps.map((p) => `${t}/${p}`)));
      for (const key of this.#marks.keys()) {
        if (assigned.has(key)) continue;
        this.#marks.delete(key);
        this.#takenOverBelow.delete(key);
      }
    });
    await consumer.connect();
    await consumer.subscribe({ topics: this.#o.topics, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.#o.partitionsConcurrently,
      eachBatch: (p) => this.#batch(p),
    });
  }

  async #batch({ batch, resolveOffset, heartbeat, isRunning, isStale, pause }: EachBatchPayload): Promise<void> {
    const { topic, partition } = batch;
    const key = `${topic}/${partition}`;
    let mark = this.#marks.get(key);
    if (!mark) {
      this.#marks.set(key, (mark = new OffsetWatermark()));
      this.#takenOverBelow.set(key, BigInt(batch.highWatermark));
    }
    const takenOverBelow = this.#takenOverBelow.get(key) ?? 0n;
    for (const message of batch.messages) {
      if (this.#stopping || !isRunning() || isStale()) return;
      const offset = BigInt(message.offset);
      // After a rebalance that kept this partition, records we already started come again: skip them.
      if (mark.seen(offset)) {
        resolveOffset(message.offset);
        continue;
      }
      const due = this.#o.dueAt?.(message) ?? null;
      const wait = due === null ? 0 : due - this.#now();
      if (wait > 0) {
        const resume = pause();
        const timer = setTimeout(() => {
          this.#resumeTimers.delete(timer);
          if (!this.#stopping) resume();
        }, wait);
        this.#resumeTimers.add(timer);
        return;
      }
      await this.#slot(heartbeat);
      if (this.#stopping || isStale()) return;
      mark.start(offset);
      resolveOffset(message.offset);
      this.#inFlight += 1;
      void this.#run(topic, partition, message, mark, offset, { maybeHandledBefore: offset < takenOverBelow });
    }
    await heartbeat().catch(() => {});
  }

  async #run(topic: string, partition: number, message: KafkaMessage, mark: OffsetWatermark, offset: bigint, context: RecordContext): Promise<void> {
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          await this.#o.handle(topic, partition, message, this.#abort.signal, context);
          mark.finish(offset);
          this.#committer.advance(topic, partition, mark);
          return;
        } catch (err) {
          if (this.#stopping || this.#abort.signal.aborted) return;
          this.#o.log.error({ err, topic, partition, offset: message.offset, retry: attempt + 1 }, 'record handling failed; retrying');
          await new Promise((r) => setTimeout(r, backoffMs(attempt, HANDLE_BACKOFF)));
        }
      }
    } finally {
      this.#inFlight -= 1;
      this.#slotWaiters.shift()?.();
      if (this.#inFlight === 0) for (const w of this.#idleWaiters.splice(0)) w();
    }
  }

  async #slot(heartbeat: () => Promise<void>): Promise<void> {
    while (this.#inFlight >= this.#o.maxInFlight && !this.#stopping) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 1_000);
        this.#slotWaiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
      await heartbeat().catch(() => {});
    }
  }

  /**
   * Stops fetching, lets in-flight records finish for up to `drainMs`, aborts the rest (left uncommitted for
   * the next owner), commits the watermarks and disconnects.
   */
  async stop(drainMs: number): Promise<void> {
    this.#stopping = true;
    for (const t of this.#resumeTimers) clearTimeout(t);
    try {
      this.#o.consumer.pause(this.#o.topics.map((topic) => ({ topic })));
    } catch {
      // Not running yet.
    }
    for (const w of this.#slotWaiters.splice(0)) w();
    if (this.#inFlight > 0) {
      await Promise.race([new Promise<void>((r) => this.#idleWaiters.push(r)), new Promise((r) => setTimeout(r, drainMs).unref())]);
    }
    this.#abort.abort();
    await this.#committer.flush();
    await this.#o.consumer.disconnect();
  }
}
