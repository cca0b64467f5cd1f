import {
  decodeRecord,
  deliveryIdFor,
  deliveryRecord,
  encodeRecord,
  eventIdForRecord,
  eventRecord,
  type TopicNames,
} from '@hookline/contracts';
import type { Endpoint, EndpointsRepository } from '@hookline/db';
import { ACKS_ALL, injectTraceHeaders, sendToInvalid } from '@hookline/kafka';
import type { Logger } from '@hookline/telemetry';
import type { Consumer, EachMessagePayload, Producer } from 'kafkajs';

/**
 * Fan-out: each event on the events topic becomes one delivery record per subscribed endpoint, keyed by
 * endpoint id. The event's offset is committed only after its deliveries were acknowledged.
 */
export class FanoutConsumer {
  readonly #consumer: Consumer;
  readonly #producer: Producer;
  readonly #endpoints: EndpointsRepository;
  readonly #topics: TopicNames;
  readonly #log: Logger;

  constructor(deps: { consumer: Consumer; producer: Producer; endpoints: EndpointsRepository; topics: TopicNames; log: Logger }) {
    this.#consumer = deps.consumer;
    this.#producer = deps.producer;
    this.#endpoints = deps.endpoints;
    this.#topics = deps.topics;
    this.#log = deps.log;
  }

  async start(): Promise<void> {
    await this.#consumer.connect();
    await this.#consumer.subscribe({ topic: this.#topics.events, fromBeginning: true });
    await this.#consumer.run({ partitionsConsumedConcurrently: 3, eachMessage: (p) => this.#handle(p) });
  }

  async #handle({ topic, partition, message }: EachMessagePayload): Promise<void> {
    const decoded = decodeRecord(eventRecord, message.value);
    if (!decoded.ok) {
      this.#log.warn({ topic, partition, offset: message.offset, reason: decoded.reason }, 'invalid event routed to the invalid topic');
      await sendToInvalid(this.#producer, this.#topics.invalid, { topic, partition, message }, decoded.reason);
      return;
    }
    const event = decoded.value;
    const eventId = event.id ?? eventIdForRecord(topic, partition, message.offset);
    const createdAt = event.createdAt ?? new Date(Number(message.timestamp)).toISOString();
    const targets = event.endpointId
      ? [await this.#endpoints.get(event.tenantId, event.endpointId)].filter((e): e is Endpoint => e !== null && !e.disabled)
      : await this.#endpoints.subscribed(event.tenantId, event.type);
    if (targets.length === 0) return;
    await this.#producer.send({
      topic: this.#topics.deliveries,
      acks: ACKS_ALL,
      messages: targets.map((endpoint) => ({
        key: endpoint.id,
        value: encodeRecord(deliveryRecord, {
          deliveryId: deliveryIdFor(eventId, endpoint.id),
          eventId,
          tenantId: event.tenantId,
          endpointId: endpoint.id,
          type: event.type,
          data: event.data,
          eventCreatedAt: createdAt,
          attempt: 0,
        }),
        headers: injectTraceHeaders(),
      })),
    });
  }

  stop(): Promise<void> {
    return this.#consumer.disconnect();
  }
}
