import { setTimeout as sleep } from 'node:timers/promises';
import {
  backoffMs,
  deliveryRecord,
  encodeRecord,
  eventIdForRecord,
  HooklineError,
  orderingKeyOf,
  recordHeaders,
  type Decoded,
  type DeliveryRecord,
  type EventRecord,
  type FilterableEvent,
  type TopicNames,
} from '@hookline/contracts';
import {
  endSpan,
  headersFor,
  headerString,
  IntervalCommitter,
  logLeave,
  MAX_RECORD_BATCH_BYTES,
  OffsetWatermark,
  placedPartition,
  producedOffset,
  sendToInvalid,
  startProcessSpan,
  startProducerSpan,
  type CoalescingSender,
} from '@hookline/kafka';
import type { DirectoryEndpoint } from '@hookline/db';
import type { EventDecoder } from '@hookline/registry';
import { shutdownStep, type Logger } from '@hookline/telemetry';
import { context, trace } from '@opentelemetry/api';
import type { Consumer, EachBatchPayload, KafkaMessage, Message, Producer } from 'kafkajs';
import { deliveryRecordFor } from '../domain/fanout-records.ts';
import type { EndpointDirectory } from './endpoint-directory.ts';

/** Room a delivery record leaves below the broker's largest record: headers, the retry tier's notBefore, the dead reason. */
const DELIVERY_HEADROOM_BYTES = 2_048;
/** Records held in memory (all partitions) while the schema registry does not answer; beyond it a partition pauses. */
const MAX_HELD_RECORDS = 10_000;
/** Backoff between tries of a held record (and of a paused partition): from 0.5 s, doubling, up to 10 s. */
const HELD_BACKOFF = { baseMs: 500, maxMs: 10_000 };

/** A delivery record the deliver pipeline may start, with its value as built when decoding its bytes gives the same. */
interface HandedRecord {
  message: Message;
  decoded?: DeliveryRecord;
}

/**
 * One event's delivery records, and its spans (`process` and `send`), ended once the records were acknowledged.
 * `direct`: those of its records the deliver pipeline of this process may start on the broker's acknowledgement
 * (not those of ordered endpoints, whose order the deliver side's gate keeps in fetch order).
 */
interface Fanned {
  messages: Message[];
  direct: HandedRecord[];
  end(err?: unknown): void;
}
const NOTHING: Fanned = { messages: [], direct: [], end: () => undefined };

/**
 * The deliver pipeline of this process, taking delivery records straight from fan-out once the broker acknowledged
 * them (`deliver/partition-pipeline.ts`): each record is still produced, fetched and committed as before, but its
 * delivery starts one fetch round earlier when its partition is this process's.
 */
export interface DeliveryHandover<T> {
  expect(topic: string, records: readonly HandedRecord[]): T[];
  handOver(tickets: readonly T[], partitionOf: (message: Message) => number | undefined, offsetOf: (message: Message) => string | undefined): void;
  cancel(tickets: readonly T[]): void;
}

/** Produces an event's deliveries (perhaps together with others') and ends each event's spans with the outcome. */
async function handOn(sender: CoalescingSender, topic: string, fanned: readonly Fanned[], handover: DeliveryHandover<unknown> | undefined): Promise<void> {
  const out = fanned.flatMap((f) => f.messages);
  const tickets = handover?.expect(topic, fanned.flatMap((f) => f.direct)) ?? [];
  try {
    if (out.length > 0) await sender.send(topic, out);
  } catch (err) {
    handover?.cancel(tickets);
    for (const f of fanned) f.end(err);
    throw err;
  }
  // The spans end first: a handed-over delivery's `process` span follows its `send` span, as when fetched.
  for (const f of fanned) f.end();
  handover?.handOver(tickets, placedPartition, producedOffset);
}

/**
 * Fan-out: each event on the events topic (and the source topics) becomes one delivery record per subscribed
 * endpoint (from the in-memory directory), keyed by endpoint id so one endpoint's work lands on one partition. A
 * batch's deliveries are produced together; its offsets are committed only after they were acknowledged (with the
 * other partitions' within {@link IntervalCommitter}'s interval).
 *
 * A registry-framed record whose schema cannot be fetched (the registry is down) is held, not routed to the invalid
 * topic: the records behind it in its partition go on (untyped events, typed ones whose schema is cached), the held
 * record is decoded again with backoff in the background, and the partition's committed offset stays below it (an
 * {@link OffsetWatermark}) until it is handed on. A crash meanwhile re-reads from the held record: what was handed on
 * behind it is fanned out again (at least once; receivers deduplicate on `webhook-id`). At most
 * {@link MAX_HELD_RECORDS} are held; past that a partition meeting another such record pauses with backoff.
 *
 * Tracing: each event gets its `process <events>` CONSUMER span and, when it has deliveries, a `send <deliveries>`
 * PRODUCER span under it whose context its delivery records carry (one trace per event, though a batch's
 * deliveries of many events share one produce request); both end when the broker acknowledged the deliveries.
 */
export class FanoutConsumer {
  readonly #consumer: Consumer;
  readonly #producer: Producer;
  readonly #directory: EndpointDirectory;
  readonly #topics: TopicNames;
  readonly #consumed: string[];
  readonly #decoder: EventDecoder;
  readonly #log: Logger;
  readonly #sender: CoalescingSender;
  readonly #handover: DeliveryHandover<unknown> | undefined;
  readonly #committer: IntervalCommitter;
  /** "topic\0partition" → what of the partition was handed on; replaced when the partition is revoked. */
  readonly #marks = new Map<string, OffsetWatermark>();
  readonly #stopping = new AbortController();
  readonly #resumeTimers = new Set<NodeJS.Timeout>();
  #held = 0;
  #heldPauses = 0;

  constructor(deps: {
    consumer: Consumer;
    producer: Producer;
    /** The dispatcher's one sender: delivery records leave at once, with whatever hand-off records linger in it. */
    sender: CoalescingSender;
    directory: EndpointDirectory;
    topics: TopicNames;
    /** Topics consumed besides the events topic (`SOURCE_TOPICS`). */
    sourceTopics?: string[];
    decoder: EventDecoder;
    log: Logger;
    /** The deliver pipeline of this process, to start deliveries on the broker's acknowledgement (absent: none). */
    handover?: DeliveryHandover<unknown>;
  }) {
    this.#sender = deps.sender;
    this.#handover = deps.handover;
    this.#consumer = deps.consumer;
    this.#producer = deps.producer;
    this.#directory = deps.directory;
    this.#topics = deps.topics;
    this.#consumed = [...new Set([deps.topics.events, ...(deps.sourceTopics ?? [])])];
    this.#decoder = deps.decoder;
    this.#log = deps.log;
    this.#committer = new IntervalCommitter(deps.consumer, { onError: (err) => deps.log.warn({ err }, 'offset commit failed') });
    // A revoked partition's held records are its next owner's (nothing past them was committed).
    deps.consumer.on(deps.consumer.events.GROUP_JOIN, ({ payload }) => {
      const assigned = new Set(Object.entries(payload.memberAssignment).flatMap(([t, ps]) => ps.map((p) => `${t}\0${p}`)));
      for (const key of [...this.#marks.keys()]) if (!assigned.has(key)) this.#marks.delete(key);
    });
  }

  /** Records held while the registry does not answer (for the metrics). */
  get held(): number {
    return this.#held;
  }

  async start(): Promise<void> {
    await this.#consumer.connect();
    await this.#consumer.subscribe({ topics: this.#consumed, fromBeginning: true });
    await this.#consumer.run({
      autoCommit: false,
      partitionsConsumedConcurrently: 3,
      eachBatchAutoResolve: false,
      eachBatch: (p) => this.#committer.run(() => this.#batch(p)),
    });
  }

  async #batch({ batch, resolveOffset, heartbeat, isRunning, isStale, pause }: EachBatchPayload): Promise<void> {
    const { topic, partition } = batch;
    // Endpoints created or changed before the newest event of the batch was produced must be seen by it.
    await this.#directory.ensureFresh(Math.max(0, ...batch.messages.map((m) => Number(m.timestamp) || 0)));
    const mark = this.#mark(topic, partition);
    const fanned: Fanned[] = [];
    /** Offsets handled in this batch, in order; `held`: waiting for the registry. */
    const handled: Array<{ message: KafkaMessage; offset: bigint; held: boolean }> = [];
    let seenUpTo: string | undefined;
    let heldHere = false;
    try {
      for (const message of batch.messages) {
        if (!isRunning() || isStale()) break;
        // Handed on (or held) already: records fetched again after a rebalance that kept the partition.
        const offset = BigInt(message.offset);
        if (mark.seen(offset)) {
          seenUpTo = message.offset;
          continue;
        }
        let decoded: Decoded<EventRecord>;
        let framed = false;
        if (this.#decoder.needsRegistry(message.value)) {
          framed = true;
          try {
            decoded = await this.#decoder.decodeFramed(topic, message.value, message.headers);
          } catch (err) {
            if (!(err instanceof HooklineError && err.retryable)) throw err;
            if (this.#held >= MAX_HELD_RECORDS) {
              // Enough waiting in memory: this partition stops here until the registry answers (others go on).
              this.#pauseFor(pause, backoffMs(this.#heldPauses++, HELD_BACKOFF));
              break;
            }
            if (!heldHere) this.#log.warn({ topic, partition, offset: message.offset, code: err.code, err: err.message }, 'schema registry unavailable: record held, records behind it go on');
            handled.push({ message, offset, held: true });
            heldHere = true;
            continue;
          }
        } else {
          decoded = this.#decoder.decodeJson(message.value);
        }
        fanned.push(await this.#deliveriesFor(topic, partition, message, decoded, !framed));
        handled.push({ message, offset, held: false });
      }
    } catch (err) {
      // Spans of events fanned out before the failure: nothing of this batch was handed on.
      for (const f of fanned) f.end(err);
      throw err;
    }
    // Split into requests the broker accepts (a batch of large events to many endpoints can exceed 1 MiB).
    await handOn(this.#sender, this.#topics.deliveries, fanned, this.#handover);
    // Only now (the deliveries acknowledged) are the offsets started: a failed send fetches the batch again.
    for (const h of handled) {
      mark.start(h.offset);
      if (!h.held) mark.finish(h.offset);
    }
    const last = handled.at(-1)?.message.offset ?? seenUpTo;
    if (last !== undefined) resolveOffset(last);
    this.#committer.advance(topic, partition, mark);
    for (const h of handled) if (h.held) void this.#retryHeld(topic, partition, h.message, mark);
    await heartbeat();
  }

  /**
   * The delivery records of one decoded event (one per subscribed endpoint), or none when the event is invalid or
   * too large to deliver (routed to the invalid topic here, with the reason). `fromJson`: the event was a JSON
   * envelope, so its values are plain JSON and a delivery record built from it is what decoding its bytes gives: the
   * deliver pipeline is handed that value and need not decode the record again.
   */
  async #deliveriesFor(topic: string, partition: number, message: KafkaMessage, decoded: Decoded<EventRecord>, fromJson: boolean): Promise<Fanned> {
    if (!decoded.ok) {
      this.#log.warn({ topic, partition, offset: message.offset, reason: decoded.reason }, 'invalid event routed to the invalid topic');
      await sendToInvalid(this.#producer, this.#topics.invalid, { topic, partition, message }, decoded.reason);
      return NOTHING;
    }
    const event = decoded.value;
    const eventId = event.id ?? eventIdForRecord(topic, partition, message.offset);
    const createdAt = event.createdAt ?? new Date(Number(message.timestamp)).toISOString();
    // One endpoint (tests, replays) or the subscribed endpoints of the event's application (default: the tenant's)
    // whose content filter the event passes (a test or replay to one endpoint is sent whatever its filter).
    const single = event.endpointId ? this.#directory.get(event.endpointId) : undefined;
    const applicationId = event.endpointId ? single?.applicationId : await this.#directory.application(event.tenantId, event.application);
    const targets = event.endpointId
      ? [single].filter((e) => e !== undefined && !e.disabled && e.tenantId === event.tenantId)
      : applicationId === undefined ? [] : this.#subscribed(applicationId, { type: event.type, data: event.data, metadata: event.metadata, headers: event.headers, id: eventId, createdAt });
    const ids = {
      'hookline.event_id': eventId,
      'hookline.tenant_id': event.tenantId,
      ...(applicationId === undefined ? {} : { 'hookline.application_id': applicationId }),
    };
    const span = startProcessSpan({ topic, partition, message }, { ...ids, 'hookline.fanout_count': targets.length });
    const deliveries: Message[] = [];
    const direct: HandedRecord[] = [];
    // One key's events reach the deliveries topic in the order read here: ordered endpoints deliver them in it.
    const orderingKey = orderingKeyOf({
      header: headerString(message.headers, recordHeaders.orderingKey),
      envelope: event.orderingKey,
      recordKey: message.key,
      eventId: event.id,
    });
    for (const endpoint of targets) {
      const delivery = deliveryRecordFor(event, endpoint!, { eventId, createdAt, orderingKey });
      const record: Message = { key: endpoint!.id, value: encodeRecord(deliveryRecord, delivery) };
      deliveries.push(record);
      if (endpoint!.ordering !== 'key') direct.push(fromJson ? { message: record, decoded: delivery } : { message: record });
    }
    // A delivery record is the event plus its routing, and its retry-tier and dead-letter copies a little more: an
    // event too close to the broker's largest record could never be handed on (the produce fails every time).
    const largest = Math.max(0, ...deliveries.map((d) => (d.value as Buffer).length));
    if (largest + DELIVERY_HEADROOM_BYTES > MAX_RECORD_BATCH_BYTES) {
      this.#log.warn({ topic, partition, offset: message.offset, event_id: eventId, bytes: largest }, 'event too large to deliver routed to the invalid topic');
      try {
        await sendToInvalid(this.#producer, this.#topics.invalid, { topic, partition, message }, `its delivery records (${largest} bytes) would exceed the broker's largest record (${MAX_RECORD_BATCH_BYTES} bytes) with their retry headers`);
      } finally {
        span.end();
      }
      return NOTHING;
    }
    if (deliveries.length === 0) {
      span.end();
      return NOTHING;
    }
    // The event's own PRODUCER span (a batch's deliveries of many events share one produce, each in its own trace).
    const send = startProducerSpan(this.#topics.deliveries, { 'messaging.batch.message_count': deliveries.length, ...ids }, trace.setSpan(context.active(), span));
    const headers = headersFor(send, message.headers);
    for (const d of deliveries) d.headers = headers;
    return {
      messages: deliveries,
      direct,
      end: (err?: unknown) => {
        endSpan(send, err);
        endSpan(span, err);
      },
    };
  }

  /** The application's endpoints subscribed to the event's type whose content filter it passes. */
  #subscribed(applicationId: string, event: FilterableEvent): DirectoryEndpoint[] {
    return this.#directory.subscribed(applicationId, event.type).filter((e) => this.#directory.accepts(e, event));
  }

  /**
   * A record held while the registry did not answer: decoded again with backoff (capped at 10 s, without end: the
   * registry being down is never the record's fault) until its deliveries are produced, then its offset finishes
   * and the partition's commit moves past it. Stops when the consumer stops or the partition is revoked; the
   * committed offset never passed the record, so its next reader handles it.
   */
  async #retryHeld(topic: string, partition: number, message: KafkaMessage, mark: OffsetWatermark): Promise<void> {
    const key = `${topic}\0${partition}`;
    this.#held += 1;
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          await sleep(backoffMs(attempt, HELD_BACKOFF), undefined, { signal: this.#stopping.signal });
        } catch {
          return; // stopping
        }
        if (this.#marks.get(key) !== mark) return; // revoked
        try {
          const decoded = await this.#decoder.decodeFramed(topic, message.value!, message.headers);
          if (this.#marks.get(key) !== mark) return;
          await handOn(this.#sender, this.#topics.deliveries, [await this.#deliveriesFor(topic, partition, message, decoded, false)], this.#handover);
        } catch (err) {
          if (attempt % 10 === 0) this.#log.warn({ topic, partition, offset: message.offset, attempt, err: (err as Error).message }, 'held record still waiting');
          continue;
        }
        this.#log.info({ topic, partition, offset: message.offset, attempts: attempt + 1 }, 'held record handed on');
        mark.finish(BigInt(message.offset));
        this.#committer.advance(topic, partition, mark);
        return;
      }
    } finally {
      this.#held -= 1;
    }
  }

  #mark(topic: string, partition: number): OffsetWatermark {
    const key = `${topic}\0${partition}`;
    let mark = this.#marks.get(key);
    if (!mark) this.#marks.set(key, (mark = new OffsetWatermark()));
    return mark;
  }

  #pauseFor(pause: () => () => void, ms: number): void {
    const resume = pause();
    const timer = setTimeout(() => {
      this.#resumeTimers.delete(timer);
      if (!this.#stopping.signal.aborted) resume();
    }, ms);
    this.#resumeTimers.add(timer);
  }

  async stop(drainMs: number): Promise<void> {
    this.#stopping.abort();
    for (const t of this.#resumeTimers) clearTimeout(t);
    await shutdownStep('fan-out consumer: batches in flight, offset commit', this.#committer.stop(this.#consumed, drainMs));
    logLeave(this.#log, 'fan-out consumer', await shutdownStep('fan-out consumer: disconnect', this.#committer.leave()));
  }
}
