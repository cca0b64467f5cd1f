import {
  decodeRecord,
  deliveryIdFor,
  deliveryRecord,
  encodeRecord,
  eventIdForRecord,
  eventRecord,
  type TopicNames,
} from '@hookline/contracts';
import { CoalescingSender, headersFor, IntervalCommitter, MAX_RECORD_BATCH_BYTES, sendToInvalid, startProcessSpan } from '@hookline/kafka';
import type { Logger } from '@hookline/telemetry';
import type { Consumer, EachBatchPayload, Message, Producer } from 'kafkajs';
import type { EndpointDirectory } from '../subscriptions/endpoint-directory.ts';

/** Room a delivery record leaves below the broker's largest record: headers, the retry tier's notBefore, the dead reason. */
const DELIVERY_HEADROOM_BYTES = 2_048;

/**
 * Fan-out: each event on the events topic becomes one delivery record per subscribed endpoint (from the
 * in-memory directory), keyed by endpoint id so one endpoint's work lands on one partition. A batch's
 * deliveries are produced together; its offsets are committed only after they were acknowledged (with the other
 * partitions' within {@link IntervalCommitter}'s interval).
 */
export class FanoutConsumer {
  readonly #consumer: Consumer;
  readonly #producer: Producer;
  readonly #directory: EndpointDirectory;
  readonly #topics: TopicNames;
  readonly #log: Logger;
  readonly #sender: CoalescingSender;
  readonly #committer: IntervalCommitter;

  constructor(deps: { consumer: Consumer; producer: Producer; directory: EndpointDirectory; topics: TopicNames; log: Logger }) {
    this.#sender = new CoalescingSender(deps.producer);
    this.#consumer = deps.consumer;
    this.#producer = deps.producer;
    this.#directory = deps.directory;
    this.#topics = deps.topics;
    this.#log = deps.log;
    this.#committer = new IntervalCommitter(deps.consumer, { onError: (err) => deps.log.warn({ err }, 'offset commit failed') });
  }

  async start(): Promise<void> {
    await this.#consumer.connect();
    await this.#consumer.subscribe({ topic: this.#topics.events, fromBeginning: true });
    await this.#consumer.run({
      autoCommit: false,
      partitionsConsumedConcurrently: 3,
      eachBatchAutoResolve: false,
      eachBatch: (p) => this.#committer.run(() => this.#batch(p)),
    });
  }

  async #batch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const { topic, partition } = batch;
    // Endpoints created or changed before the newest event of the batch was produced must be seen by it.
    await this.#directory.ensureFresh(Math.max(0, ...batch.messages.map((m) => Number(m.timestamp) || 0)));
    const out: Message[] = [];
    let last: string | undefined;
    for (const message of batch.messages) {
      if (!isRunning() || isStale()) break;
      const decoded = decodeRecord(eventRecord, message.value);
      if (!decoded.ok) {
        this.#log.warn({ topic, partition, offset: message.offset, reason: decoded.reason }, 'invalid event routed to the invalid topic');
        await sendToInvalid(this.#producer, this.#topics.invalid, { topic, partition, message }, decoded.reason);
        last = message.offset;
        continue;
      }
      const event = decoded.value;
      const eventId = event.id ?? eventIdForRecord(topic, partition, message.offset);
      const createdAt = event.createdAt ?? new Date(Number(message.timestamp)).toISOString();
      // One endpoint (tests, replays) or the subscribed endpoints of the event's application (default: the tenant's).
      const single = event.endpointId ? this.#directory.get(event.endpointId) : undefined;
      const applicationId = event.endpointId ? single?.applicationId : await this.#directory.application(event.tenantId, event.application);
      const targets = event.endpointId
        ? [single].filter((e) => e !== undefined && !e.disabled && e.tenantId === event.tenantId)
        : applicationId === undefined ? [] : this.#directory.subscribed(applicationId, event.type);
      const span = startProcessSpan({ topic, partition, message }, {
        'hookline.event_id': eventId,
        'hookline.tenant_id': event.tenantId,
        ...(applicationId === undefined ? {} : { 'hookline.application_id': applicationId }),
        'hookline.fanout_count': targets.length,
      });
      const headers = headersFor(span, message.headers);
      span.end();
      const deliveries: Message[] = [];
      for (const endpoint of targets) {
        deliveries.push({
          key: endpoint!.id,
          value: encodeRecord(deliveryRecord, {
            deliveryId: deliveryIdFor(eventId, endpoint!.id),
            eventId,
            tenantId: event.tenantId,
            endpointId: endpoint!.id,
            applicationId: endpoint!.applicationId,
            type: event.type,
            data: event.data,
            eventCreatedAt: createdAt,
            attempt: 0,
          }),
          headers,
        });
      }
      // A delivery record is the event plus its routing, and its retry-tier and dead-letter copies a little more: an
      // event too close to the broker's largest record could never be handed on (the produce fails every time).
      const largest = Math.max(0, ...deliveries.map((d) => (d.value as Buffer).length));
      if (largest + DELIVERY_HEADROOM_BYTES > MAX_RECORD_BATCH_BYTES) {
        this.#log.warn({ topic, partition, offset: message.offset, event_id: eventId, bytes: largest }, 'event too large to deliver routed to the invalid topic');
        await sendToInvalid(this.#producer, this.#topics.invalid, { topic, partition, message }, `its delivery records (${largest} bytes) would exceed the broker's largest record (${MAX_RECORD_BATCH_BYTES} bytes) with their retry headers`);
        last = message.offset;
        continue;
      }
      out.push(...deliveries);
      last = message.offset;
    }
    // Split into requests the broker accepts (a batch of large events to many endpoints can exceed 1 MiB).
    if (out.length > 0) await this.#sender.send(this.#topics.deliveries, out);
    if (last !== undefined) {
      resolveOffset(last);
      this.#committer.done(topic, partition, last);
    }
    await heartbeat();
  }

  async stop(drainMs: number): Promise<void> {
    await this.#committer.stop([this.#topics.events], drainMs);
    await this.#consumer.disconnect();
  }
}
