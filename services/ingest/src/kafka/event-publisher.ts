import { encodeRecord, eventRecord, type EventRecord } from '@hookline/contracts';
import { ACKS_ALL, sendTraced } from '@hookline/kafka';
import type { Producer } from 'kafkajs';
import { HooklineError } from '../domain/errors.ts';

/** Produces events to the events topic and resolves only once Kafka acknowledged them (acks=all). */
export class EventPublisher {
  readonly #producer: Producer;
  readonly #topic: string;
  readonly #timeoutMs: number;

  constructor(producer: Producer, topic: string, timeoutMs: number) {
    this.#producer = producer;
    this.#topic = topic;
    this.#timeoutMs = timeoutMs;
  }

  async publish(events: ReadonlyArray<EventRecord & { id: string }>): Promise<void> {
    const send = sendTraced(
      this.#producer,
      { topic: this.#topic, acks: ACKS_ALL, messages: events.map((e) => ({ key: e.id, value: encodeRecord(eventRecord, e) })) },
      events.length === 1 ? { 'hookline.event_id': events[0]!.id, 'hookline.tenant_id': events[0]!.tenantId } : {},
    );
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
  }
}
