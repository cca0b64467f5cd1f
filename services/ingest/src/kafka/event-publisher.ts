import { encodeRecord, eventRecord, type EventRecord } from '@hookline/contracts';
import { CoalescingSender, headersFor, producerSpan } from '@hookline/kafka';
import type { Producer } from 'kafkajs';
import { HooklineError } from '../domain/errors.ts';

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

  async publish(events: ReadonlyArray<EventRecord & { id: string }>): Promise<void> {
    const attributes = {
      'messaging.batch.message_count': events.length,
      ...(events.length === 1 ? { 'hookline.event_id': events[0]!.id, 'hookline.tenant_id': events[0]!.tenantId } : {}),
      ...(events[0]?.application ? { 'hookline.application_id': events[0].application } : {}),
    };
    await producerSpan(this.#topic, attributes, async (span) => {
      const headers = headersFor(span, undefined);
      const send = this.#sender.send(this.#topic, events.map((e) => ({ key: e.id, value: encodeRecord(eventRecord, e), headers })));
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
