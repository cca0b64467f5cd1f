import { setTimeout as sleep } from 'node:timers/promises';
import { backoffMs, type Decoded, type TopicNames } from '@hookline/contracts';
import { headerString, IntervalCommitter, recordFailure, sendToInvalid, startProcessSpan } from '@hookline/kafka';
import type { Span } from '@opentelemetry/api';
import type { Logger } from '@hookline/telemetry';
import type { Consumer, EachBatchPayload, KafkaMessage, Producer } from 'kafkajs';
import { decodeAttempt, decodeDelivery, decodeEvent, type RecordPosition } from '../domain/tracked-records.ts';
import type { TrackingStore } from '../domain/tracking-store.ts';
import { classifyWriteFailure, TrackerWriteError } from '../domain/write-failures.ts';
import type { TrackerMetrics } from './tracker-metrics.ts';

export interface TrackerConsumerDeps {
  consumer: Consumer;
  producer: Producer;
  store: TrackingStore;
  topics: TopicNames;
  log: Logger;
  /** Topic-partitions written concurrently. */
  concurrency: number;
  backoff?: { baseMs: number; maxMs: number };
  metrics?: TrackerMetrics;
}

type Kind = 'events' | 'deliveries' | 'attempts';
/** A written batch: records the database refused (to route) and how many rows were new. */
interface WriteResult {
  refused: Array<{ message: KafkaMessage; reason: string }>;
  newRows: number;
}
interface Item {
  message: KafkaMessage;
  value: unknown;
}

/**
 * The tracker's one consumer group, on the events, deliveries and attempts topics. Each fetched batch (one
 * topic-partition) is decoded and written in one transaction; its offsets are resolved and committed only after
 * the commit. While the database refuses (down, restarting), the same batch is retried with backoff, nothing is
 * committed, and {@link writable} is false (so `/readyz` answers 503); it catches up when the database returns.
 */
export class TrackerConsumer {
  readonly #d: TrackerConsumerDeps;
  readonly #stopping = new AbortController();
  readonly #committer: IntervalCommitter;
  #failure: TrackerWriteError | undefined;

  constructor(deps: TrackerConsumerDeps) {
    this.#d = deps;
    this.#committer = new IntervalCommitter(deps.consumer, { onError: (err) => deps.log.warn({ err }, 'offset commit failed') });
  }

  /** False while the last write of a batch failed and is being retried. */
  get writable(): boolean {
    return this.#failure === undefined;
  }

  async start(): Promise<void> {
    const { consumer, topics, concurrency } = this.#d;
    await consumer.connect();
    await consumer.subscribe({ topics: [topics.events, topics.deliveries, topics.attempts], fromBeginning: true });
    // A written batch's offsets are committed after its transaction, with the other partitions' within 250 ms.
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: concurrency,
      eachBatch: (p) => this.#committer.run(() => this.#handle(p)),
    });
  }

  /** Stops writing, lets a batch being written finish for up to `drainMs`, commits what was written and leaves. */
  async stop(drainMs: number): Promise<void> {
    this.#stopping.abort();
    const { events, deliveries, attempts } = this.#d.topics;
    await this.#committer.stop([events, deliveries, attempts], drainMs);
    await this.#d.consumer.disconnect();
  }

  #kind(topic: string): Kind {
    const { events, deliveries } = this.#d.topics;
    return topic === events ? 'events' : topic === deliveries ? 'deliveries' : 'attempts';
  }

  async #handle(p: EachBatchPayload): Promise<void> {
    const { batch } = p;
    if (!p.isRunning() || p.isStale() || batch.messages.length === 0) return;
    const kind = this.#kind(batch.topic);
    const valid: Item[] = [];
    const invalid: Array<{ message: KafkaMessage; reason: string }> = [];
    for (const message of batch.messages) {
      const decoded = this.#decode(kind, message, batch.topic, batch.partition);
      if (decoded.ok) valid.push({ message, value: decoded.value });
      else invalid.push({ message, reason: decoded.reason });
    }
    // One span per record, in the record's own trace: an event's trace shows where its records were stored.
    const spans = valid.map((i) => startProcessSpan({ topic: batch.topic, partition: batch.partition, message: i.message }, { 'hookline.tracker.batch_size': valid.length }));
    const started = performance.now();
    let written: WriteResult | undefined;
    try {
      written = await this.#write(kind, valid, p);
    } catch (err) {
      endAll(spans, err);
      throw err;
    }
    endAll(spans, written === undefined ? new Error('batch left uncommitted (stopping or rebalancing)') : undefined);
    if (written === undefined) return; // stopping or rebalancing: the batch is fetched again, nothing committed
    this.#d.metrics?.batch(kind, valid.length, written.newRows, (performance.now() - started) / 1000);
    const unwritable = written.refused;
    // The dispatcher routes undecodable events and deliveries (it consumes those topics too); the tracker routes
    // undecodable attempts, and any record the database refused.
    const routed = [...(kind === 'attempts' ? invalid : []), ...unwritable];
    for (const r of routed) {
      this.#d.log.warn({ topic: batch.topic, partition: batch.partition, offset: r.message.offset, reason: r.reason }, 'record routed to the invalid topic');
      await sendToInvalid(this.#d.producer, this.#d.topics.invalid, { topic: batch.topic, partition: batch.partition, message: r.message }, r.reason);
    }
    if (kind !== 'attempts' && invalid.length > 0) this.#d.log.debug({ topic: batch.topic, skipped: invalid.length }, 'undecodable records skipped');
    p.resolveOffset(batch.lastOffset());
    this.#committer.done(batch.topic, batch.partition, batch.lastOffset());
    await p.heartbeat();
  }

  #decode(kind: Kind, message: KafkaMessage, topic: string, partition: number): Decoded<unknown> {
    if (kind === 'attempts') return decodeAttempt(message.value);
    const at: RecordPosition = { topic, partition, offset: message.offset, timestamp: message.timestamp, traceparent: headerString(message.headers, 'traceparent') };
    return kind === 'events' ? decodeEvent(message.value, at) : decodeDelivery(message.value, at);
  }

  #storeCall(kind: Kind, values: unknown[]): () => Promise<number> {
    const s = this.#d.store;
    if (kind === 'events') return () => s.recordEvents(values as never);
    if (kind === 'deliveries') return () => s.recordDeliveries(values as never);
    return () => s.recordAttempts(values as never);
  }

  /**
   * Writes the batch; when the database refuses the data itself, writes record by record to find the ones it
   * refuses. Returns those (to be routed), or undefined when the batch must not be committed.
   */
  async #write(kind: Kind, items: Item[], p: EachBatchPayload): Promise<WriteResult | undefined> {
    try {
      const newRows = await this.#retrying(this.#storeCall(kind, items.map((i) => i.value)), p);
      return newRows === false ? undefined : { refused: [], newRows };
    } catch (batchErr) {
      this.#d.log.warn({ err: batchErr, topic: p.batch.topic, partition: p.batch.partition }, 'batch refused by the database; writing record by record');
      const refused: Array<{ message: KafkaMessage; reason: string }> = [];
      let newRows = 0;
      for (const item of items) {
        try {
          const n = await this.#retrying(this.#storeCall(kind, [item.value]), p);
          if (n === false) return undefined;
          newRows += n;
        } catch (err) {
          const e = new TrackerWriteError('HKL_TRACKER_RECORD_UNWRITABLE', `tracker could not store the record: ${(err as Error).message}`, err);
          refused.push({ message: item.message, reason: `${e.code}: ${e.message}`.slice(0, 1_000) });
        }
      }
      return { refused, newRows };
    }
  }

  /**
   * Runs `write` until it succeeds (its count of new rows), the consumer stops or loses the partition (false), or
   * the data is refused (throws).
   */
  async #retrying(write: () => Promise<number>, p: EachBatchPayload): Promise<number | false> {
    const backoff = this.#d.backoff ?? { baseMs: 200, maxMs: 5_000 };
    for (let attempt = 0; ; attempt++) {
      let delay: number;
      try {
        const newRows = await write();
        if (this.#failure) this.#d.log.info({ topic: p.batch.topic, partition: p.batch.partition }, 'database writes resumed');
        this.#failure = undefined;
        return newRows;
      } catch (err) {
        if (classifyWriteFailure(err) === 'isolate') throw err;
        this.#failure = new TrackerWriteError('HKL_TRACKER_DB_UNAVAILABLE', 'writing a batch to PostgreSQL failed; retrying', err);
        delay = backoffMs(attempt, backoff);
        this.#d.log.warn({ err, code: this.#failure.code, attempt, retry_in_ms: delay, topic: p.batch.topic, partition: p.batch.partition }, 'batch write failed; offsets held');
      }
      if (this.#stopping.signal.aborted || !p.isRunning() || p.isStale()) return false;
      try {
        await sleep(delay, undefined, { signal: this.#stopping.signal });
        await p.heartbeat();
      } catch {
        return false; // stopping, or the group is rebalancing: leave the batch to whoever owns it next
      }
    }
  }
}

function endAll(spans: readonly Span[], err: unknown): void {
  for (const span of spans) {
    if (err !== undefined) recordFailure(span, err);
    span.end();
  }
}
