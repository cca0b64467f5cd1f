import { encodeRecord, eventRecord, recordHeaders, type EventRecord } from '@hookline/contracts';
import { CoalescingSender, headersFor, producerSpan } from '@hookline/kafka';
import type { IHeaders, Message, Producer } from 'kafkajs';
import { HooklineError } from '../domain/errors.ts';

/**
 * An event to produce. With `framed`, the record value is that registry-framed payload (magic byte, schema id,
 * the data in the schema's format) and the routing goes in headers; otherwise it is the JSON envelope.
 */
export type OutgoingEvent = EventRecord & { id: string; framed?: Buffer | undefined };

/**
 * The record key: the event id, or for an event with an ordering key the application and the key, so one key's
 * events share a partition and fan-out reads them in publish order.
 */
const recordKey = (e: OutgoingEvent): string => (e.orderingKey === undefined ? e.id : `${e.application ?? e.tenantId}\u001f${e.orderingKey}`);

/** The record of one event: the JSON envelope, or the registry-framed value with routing headers and the event's time. */
function messageOf(e: OutgoingEvent, trace: IHeaders): Message {
  if (!e.framed) return { key: recordKey(e), value: encodeRecord(eventRecord, e), headers: trace };
  const { framed, ...envelope } = e;
  return {
    key: recordKey(e),
    value: framed,
    timestamp: String(Date.parse(envelope.createdAt!)),
    headers: {
      ...trace,
      [recordHeaders.tenantId]: envelope.tenantId,
      [recordHeaders.type]: envelope.type,
      [recordHeaders.eventId]: envelope.id,
      ...(envelope.application ? { [recordHeaders.application]: envelope.application } : {}),
      ...(envelope.metadata ? { [recordHeaders.metadata]: JSON.stringify(envelope.metadata) } : {}),
      ...(envelope.orderingKey ? { [recordHeaders.orderingKey]: envelope.orderingKey } : {}),
    },
  };
}

/**
 * Produces events to the events topic and resolves only once Kafka acknowledged them (acks=all). Concurrent
 * publishes share produce requests (a {@link CoalescingSender}), each in its own PRODUCER span whose context its
 * records carry.
 */
export class EventPublisher {
  readonly #sender: CoalescingSender;
  readonly #topic: string;
  readonly #timeoutMs: number;

  /** `producers`: the lanes publishes are spread over (an idempotent producer has one request in flight). */
  constructor(producers: Producer | Producer[], topic: string, timeoutMs: number) {
    this.#sender = new CoalescingSender(producers);
    this.#topic = topic;
    this.#timeoutMs = timeoutMs;
  }

  async publish(events: readonly OutgoingEvent[]): Promise<void> {
    const attributes = {
      'messaging.batch.message_count': events.length,
      ...(events.length === 1 ? { 'hookline.event_id': events[0]!.id, 'hookline.tenant_id': events[0]!.tenantId } : {}),
      ...(events[0]?.application ? { 'hookline.application_id': events[0].application } : {}),
    };
    await producerSpan(this.#topic, attributes, async (span) => {
      const headers = headersFor(span, undefined);
      const send = this.#sender.send(this.#topic, events.map((e) => messageOf(e, headers)));
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new HooklineError({ code: 'HKL_KAFKA_UNAVAILABLE', status: 503, retryable: true, message: 'the event log did not acknowledge in time' })),
          this.#timeoutMs,
        );
      });
      try {
        await Promise.race([send, timeout]);
      } finally {
        clearTimeout(timer);
      }
    });
  }
}
