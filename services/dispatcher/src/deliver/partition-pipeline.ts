import { backoffMs } from '@hookline/contracts';
import { shutdownStep, type Logger } from '@hookline/telemetry';
import { IntervalCommitter, logLeave, OffsetWatermark } from '@hookline/kafka';
import type { Consumer, EachBatchPayload, IHeaders, KafkaMessage, Message } from 'kafkajs';
import { HandoverBook, type HandoverRecord, type HandoverTicket } from './direct-handover.ts';

/** What the pipeline knows about a record beyond its content. */
export interface RecordContext {
  /**
   * The record was already in the partition when this consumer was given it, so an earlier owner (a crashed or
   * rebalanced-away instance) may have handled it without committing its offset.
   */
  maybeHandledBefore: boolean;
  /**
   * The record's value as this process built it before producing it (a handed-over record, or one fetched while it
   * waited to be handed over): what decoding its bytes gives, so the handler may skip that. Absent: decode them.
   */
  decoded?: unknown;
}

/** Backoff between tries of a record whose handling failed: up to 0.1 s, doubling, up to 5 s. */
const HANDLE_BACKOFF = { baseMs: 100, maxMs: 5_000 };

export interface PipelineOptions {
  /** What logs and a stop that runs out of time call this consumer ("deliver consumer"). */
  name: string;
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
  /**
   * Records produced by this process may be handed over before they are fetched ({@link PartitionPipeline.expect}):
   * the most tickets held at once (0 or absent: no hand-over).
   */
  handoverLimit?: number;
  /** Counts what became of each hand-over: started on the ack, fetched first (handled as fetched), or left to the consumer. */
  handoverCounted?: (result: HandoverResult) => void;
}

export type HandoverResult = 'started' | 'fetched_first' | 'left';

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
  /** Partitions paused until their head is due: when each resumes (unix ms). */
  readonly #resumeTimers = new Map<NodeJS.Timeout, number>();
  readonly #handover: HandoverBook;
  /** "topic/partition" this consumer owns (its last assignment). */
  #assigned = new Set<string>();
  #inFlight = 0;
  #slotWaiters: Array<() => void> = [];
  #idleWaiters: Array<() => void> = [];
  readonly #committer: IntervalCommitter;
  #stopping = false;

  constructor(options: PipelineOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
    this.#handover = new HandoverBook(options.handoverLimit ?? 0);
    this.#committer = new IntervalCommitter(options.consumer, {
      onError: (err) => options.log.warn({ err }, 'offset commit failed'),
    });
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  /** When the earliest partition paused until its head is due resumes (unix ms); undefined when none is paused. */
  get nextResumeAt(): number | undefined {
    let next: number | undefined;
    for (const at of this.#resumeTimers.values()) if (next === undefined || at < next) next = at;
    return next;
  }

  async start(): Promise<void> {
    const { consumer } = this.#o;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      const assigned = new Set(Object.entries(payload.memberAssignment).flatMap(([t, ps]) => ps.map((p) => `${t}/${p}`)));
      this.#assigned = assigned;
      this.#handover.forgetPartitionsNotIn(assigned);
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
        this.#resumeTimers.set(timer, this.#now() + wait);
        return;
      }
      // Handed over already (it started when the broker acknowledged it): its offset waits for that handling.
      const early = this.#handover.take(topic, message.key, message.value);
      if (early?.state === 'claimed') this.#o.handoverCounted?.('fetched_first');
      if (early?.state !== 'started') await this.#slot(heartbeat);
      if (this.#stopping || isStale()) return;
      mark.start(offset);
      resolveOffset(message.offset);
      this.#inFlight += 1;
      const context: RecordContext = { maybeHandledBefore: offset < takenOverBelow, ...(early?.decoded === undefined ? {} : { decoded: early.decoded }) };
      void this.#run(topic, partition, message, mark, offset, context, early?.done);
    }
    await heartbeat().catch(() => {});
  }

  async #run(topic: string, partition: number, message: KafkaMessage, mark: OffsetWatermark, offset: bigint, context: RecordContext, early?: Promise<void>): Promise<void> {
    try {
      if (early) {
        try {
          await early;
          mark.finish(offset);
          this.#committer.advance(topic, partition, mark);
          return;
        } catch {
          // The early handling failed (it logged why): the record is handled again as any fetched record.
          if (this.#stopping || this.#abort.signal.aborted) return;
        }
      }
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
      this.#released();
    }
  }

  #released(): void {
    this.#inFlight -= 1;
    this.#slotWaiters.shift()?.();
    if (this.#inFlight === 0) for (const w of this.#idleWaiters.splice(0)) w();
  }

  /**
   * Records this process is about to produce to one of the pipeline's topics (fan-out's delivery records): tickets
   * to {@link handOver} once the broker acknowledged them, or to {@link cancel} if the send failed. Empty when
   * hand-over is off, the pipeline stops, or too many tickets are held.
   */
  expect(topic: string, records: readonly HandoverRecord[]): HandoverTicket[] {
    if (this.#stopping || records.length === 0) return [];
    return this.#handover.expect(topic, records);
  }

  /**
   * The records of `tickets` were acknowledged: each one in a partition this consumer owns, not fetched yet, starts
   * now, as if fetched (the consumer, fetching it later, commits its offset once it ended). The others are left to
   * whoever fetches them. `partitionOf`: where the producer put a record.
   */
  handOver(tickets: readonly HandoverTicket[], partitionOf: (message: Message) => number | undefined, offsetOf: (message: Message) => string | undefined = () => undefined): void {
    for (const ticket of tickets) {
      if (ticket.state !== 'expected') continue; // fetched (and claimed) already
      const partition = partitionOf(ticket.message);
      if (partition === undefined || this.#stopping || !this.#assigned.has(`${ticket.topic}/${partition}`) || this.#inFlight >= this.#o.maxInFlight) {
        this.#handover.forget(ticket);
        this.#o.handoverCounted?.('left');
        continue;
      }
      this.#o.handoverCounted?.('started');
      ticket.state = 'started';
      ticket.partition = partition;
      this.#inFlight += 1;
      const message = asFetched(ticket.message, ticket.key, ticket.value, offsetOf(ticket.message));
      const context: RecordContext = { maybeHandledBefore: false, ...(ticket.decoded === undefined ? {} : { decoded: ticket.decoded }) };
      ticket.decoded = undefined;
      const done = this.#o.handle(ticket.topic, partition, message, this.#abort.signal, context);
      ticket.done = done;
      done.then(
        () => this.#released(),
        (err: unknown) => {
          this.#released();
          if (!this.#stopping) this.#o.log.warn({ err, topic: ticket.topic, partition }, 'record handed over failed; it is handled again when fetched');
        },
      );
    }
  }

  /** The send of `tickets`' records failed: nothing to hand over. */
  cancel(tickets: readonly HandoverTicket[]): void {
    for (const t of tickets) if (t.state === 'expected') this.#handover.forget(t);
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
    this.#committer.beginStop(drainMs);
    this.#stopping = true;
    for (const t of this.#resumeTimers.keys()) clearTimeout(t);
    try {
      this.#o.consumer.pause(this.#o.topics.map((topic) => ({ topic })));
    } catch {
      // Not running yet.
    }
    for (const w of this.#slotWaiters.splice(0)) w();
    if (this.#inFlight > 0) {
      const drained = await shutdownStep(
        `${this.#o.name}: records in flight`,
        Promise.race([new Promise<boolean>((r) => this.#idleWaiters.push(() => r(true))), new Promise<boolean>((r) => setTimeout(() => r(false), drainMs).unref())]),
      );
      if (!drained) this.#o.log.warn({ consumer: this.#o.name, in_flight: this.#inFlight, drain_ms: drainMs }, 'stopping: records still in flight after the drain are left to the next owner');
    }
    this.#abort.abort();
    await shutdownStep(`${this.#o.name}: offset commit`, this.#committer.commitBeforeLeaving());
    logLeave(this.#o.log, this.#o.name, await shutdownStep(`${this.#o.name}: disconnect`, this.#committer.leave()));
  }
}

/** A produced record as the consumer would have fetched it (its offset -1 when the producer's answer did not give it). */
function asFetched(message: Message, key: string, value: Buffer, offset: string | undefined): KafkaMessage {
  const headers: IHeaders = {};
  for (const [name, v] of Object.entries(message.headers ?? {})) {
    if (v !== undefined) headers[name] = Array.isArray(v) ? v.map((x) => (typeof x === 'string' ? Buffer.from(x) : x)) : typeof v === 'string' ? Buffer.from(v) : v;
  }
  return { key: Buffer.from(key), value, headers, offset: offset ?? '-1', timestamp: String(Date.now()), attributes: 0 } as KafkaMessage;
}
