import { setTimeout as sleep } from 'node:timers/promises';
import { backoffMs, HooklineError, type Decoded, type TopicNames } from '@hookline/contracts';
import { headerString, IntervalCommitter, logLeave, recordFailure, sendToInvalid, startProcessSpan } from '@hookline/kafka';
import type { Span } from '@opentelemetry/api';
import type { EventDecoder } from '@hookline/registry';
import type { Logger } from '@hookline/telemetry';
import type { Consumer, EachBatchPayload, KafkaMessage, Producer } from 'kafkajs';
import { decodeAttempt, decodeDelivery, decodeEvent, trackedEvent, type RecordPosition } from '../domain/tracked-records.ts';
import type { TrackingStore } from '../domain/tracking-store.ts';
import { classifyWriteFailure, TrackerWriteError } from '../domain/write-failures.ts';
import type { TrackerMetrics } from './tracker-metrics.ts';

export interface TrackerConsumerDeps {
  consumer: Consumer;
  producer: Producer;
  store: TrackingStore;
  topics: TopicNames;
  /** Topics read like the events topic (`SOURCE_TOPICS`). */
  sourceTopics?: string[];
  /** Reads events: JSON envelopes, and registry-framed records through the registry. */
  decoder: EventDecoder;
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
  readonly #resumeTimers = new Set<NodeJS.Timeout>();
  readonly #sources: Set<string>;
  #failure: TrackerWriteError | undefined;
  #registryWaits = 0;

  constructor(deps: TrackerConsumerDeps) {
    this.#d = deps;
    this.#sources = new Set((deps.sourceTopics ?? []).filter((t) => t !== deps.topics.events));
    this.#committer = new IntervalCommitter(deps.consumer, { onError: (err) => deps.log.warn({ err }, 'offset commit failed') });
  }

  /** False while the last write of a batch failed and is being retried. */
  get writable(): boolean {
    return this.#failure === undefined;
  }

  async start(): Promise<void> {
    const { consumer, topics, concurrency } = this.#d;
    await consumer.connect();
    await consumer.subscribe({ topics: [topics.events, ...this.#sources, topics.deliveries, topics.attempts], fromBeginning: true });
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
    for (const t of this.#resumeTimers) clearTimeout(t);
    const { events, deliveries, attempts } = this.#d.topics;
    await this.#committer.stop([events, ...this.#sources, deliveries, attempts], drainMs);
    logLeave(this.#d.log, 'attempts consumer', await this.#committer.leave());
  }

  #kind(topic: string): Kind {
    const { events, deliveries } = this.#d.topics;
    return topic === events || this.#sources.has(topic) ? 'events' : topic === deliveries ? 'deliveries' : 'attempts';
  }

  async #handle(p: EachBatchPayload): Promise<void> {
    const { batch } = p;
    if (!p.isRunning() || p.isStale() || batch.messages.length === 0) return;
    const kind = this.#kind(batch.topic);
    const valid: Item[] = [];
    const invalid: Array<{ message: KafkaMessage; reason: string }> = [];
    // The first registry-framed record whose schema the registry did not give (it is down): the batch's records are
    // written (behind it too: writes are idempotent), but the partition is committed only below it and waits.
    let heldFrom: KafkaMessage | undefined;
    for (const message of batch.messages) {
      let decoded: Decoded<unknown>;
      try {
        // Only registry-framed events are decoded asynchronously; the rest skip the await (large batches).
        const result = this.#decode(kind, message, batch.topic, batch.partition);
        decoded = result instanceof Promise ? await result : result;
      } catch (err) {
        if (!(err instanceof HooklineError && err.retryable)) throw err;
        heldFrom ??= message;
        continue;
      }
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
    if (heldFrom !== undefined) {
      this.#waitForRegistry(p, heldFrom);
      return;
    }
    this.#registryWaits = 0;
    p.resolveOffset(batch.lastOffset());
    this.#committer.done(batch.topic, batch.partition, batch.lastOffset());
    await p.heartbeat();
  }

  /**
   * The registry did not answer for `held`: commit below it, pause the partition with backoff (0.5 s doubling to 10 s,
   * without end: an outage is never the record's fault) and read it again from there when it resumes. Other
   * partitions go on.
   */
  #waitForRegistry(p: EachBatchPayload, held: KafkaMessage): void {
    const { topic, partition } = p.batch;
    const before = BigInt(held.offset) - 1n;
    if (before >= BigInt(p.batch.firstOffset() ?? held.offset)) {
      p.resolveOffset(before.toString());
      this.#committer.done(topic, partition, before.toString());
    }
    const wait = backoffMs(this.#registryWaits++, { baseMs: 500, maxMs: 10_000 });
    this.#d.log.warn({ topic, partition, offset: held.offset, retry_in_ms: wait }, 'schema registry unavailable: partition waits at the record');
    const resume = p.pause();
    const timer = setTimeout(() => {
      this.#resumeTimers.delete(timer);
      if (!this.#stopping.signal.aborted) resume();
    }, wait);
    this.#resumeTimers.add(timer);
  }

  /** Decodes a record of its kind; throws a retryable error when a framed event needs the registry and it is down. */
  #decode(kind: Kind, message: KafkaMessage, topic: string, partition: number): Decoded<unknown> | Promise<Decoded<unknown>> {
    if (kind === 'attempts') return decodeAttempt(message.value);
    const at: RecordPosition = { topic, partition, offset: message.offset, timestamp: message.timestamp, traceparent: headerString(message.headers, 'traceparent') };
    if (kind === 'deliveries') return decodeDelivery(message.value, at);
    if (!this.#d.decoder.needsRegistry(message.value)) return decodeEvent(message.value, at);
    return this.#d.decoder
      .decodeFramed(topic, message.value, message.headers)
      .then((decoded) => (decoded.ok ? { ok: true as const, value: trackedEvent(decoded.value, at) } : decoded));
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
