import { attemptRecord, decodeRecord, deliveryRecord, encodeRecord, newId, type AttemptRecord, type DeliveryRecord, type TopicNames } from '@hookline/contracts';
import type { EndpointsRepository, EndpointWithSecrets } from '@hookline/db';
import { ACKS_ALL, injectTraceHeaders, sendToInvalid } from '@hookline/kafka';
import type { Logger } from '@hookline/telemetry';
import type { Consumer, EachMessagePayload, Producer } from 'kafkajs';
import { outcomeOf, statusAfter } from '../domain/outcome.ts';
import { buildWebhookRequest, recordableHeaders } from '../domain/webhook-request.ts';
import type { WebhookClient } from '../http/webhook-client.ts';

export interface DeliverDeps {
  consumer: Consumer;
  producer: Producer;
  endpoints: EndpointsRepository;
  client: WebhookClient;
  topics: TopicNames;
  log: Logger;
  userAgent: string;
  defaultTimeoutMs: number;
  concurrency: number;
  clock?: () => number;
}

/**
 * Delivery: sends each delivery record as a signed HTTP POST and publishes the attempt to the attempts topic.
 * A record's offset is committed only after its attempt record was acknowledged.
 */
export class DeliverConsumer {
  readonly #d: DeliverDeps;
  readonly #now: () => number;

  constructor(deps: DeliverDeps) {
    this.#d = deps;
    this.#now = deps.clock ?? Date.now;
  }

  async start(): Promise<void> {
    await this.#d.consumer.connect();
    await this.#d.consumer.subscribe({ topic: this.#d.topics.deliveries, fromBeginning: true });
    await this.#d.consumer.run({ partitionsConsumedConcurrently: this.#d.concurrency, eachMessage: (p) => this.#handle(p) });
  }

  async #handle({ topic, partition, message }: EachMessagePayload): Promise<void> {
    const decoded = decodeRecord(deliveryRecord, message.value);
    if (!decoded.ok) {
      this.#d.log.warn({ topic, partition, offset: message.offset, reason: decoded.reason }, 'invalid delivery routed to the invalid topic');
      await sendToInvalid(this.#d.producer, this.#d.topics.invalid, { topic, partition, message }, decoded.reason);
      return;
    }
    const delivery = decoded.value;
    const endpoint = await this.#d.endpoints.withSecrets(delivery.endpointId);
    if (!endpoint || endpoint.disabled || endpoint.tenantId !== delivery.tenantId) {
      this.#d.log.info({ delivery_id: delivery.deliveryId, endpoint_id: delivery.endpointId }, 'endpoint gone or disabled; delivery dropped');
      return;
    }
    const attempt = await this.#attempt(delivery, endpoint);
    await this.#d.producer.send({
      topic: this.#d.topics.attempts,
      acks: ACKS_ALL,
      messages: [{ key: attempt.deliveryId, value: encodeRecord(attemptRecord, attempt), headers: injectTraceHeaders() }],
    });
  }

  async #attempt(delivery: DeliveryRecord, endpoint: EndpointWithSecrets): Promise<AttemptRecord> {
    const startedAt = new Date(this.#now());
    const request = buildWebhookRequest(delivery, endpoint, {
      nowSeconds: Math.floor(startedAt.getTime() / 1000),
      userAgent: this.#d.userAgent,
    });
    const sent = await this.#d.client.post(endpoint.url, request, endpoint.timeoutMs ?? this.#d.defaultTimeoutMs);
    const outcome = outcomeOf(sent.result);
    const attempt: AttemptRecord = {
      attemptId: newId('att'),
      deliveryId: delivery.deliveryId,
      eventId: delivery.eventId,
      tenantId: delivery.tenantId,
      endpointId: delivery.endpointId,
      attempt: delivery.attempt + 1,
      outcome,
      status: statusAfter(outcome),
      statusCode: sent.result.kind === 'response' ? sent.result.statusCode : null,
      durationMs: sent.durationMs,
      error: sent.result.kind === 'network_error' ? sent.result.message : sent.result.kind === 'timeout' ? 'timed out' : null,
      responseBody: sent.responseBody,
      requestHeaders: recordableHeaders(request.headers),
      url: endpoint.url,
      startedAt: startedAt.toISOString(),
      nextAttemptAt: null,
    };
    this.#d.log.info(
      { event_id: attempt.eventId, delivery_id: attempt.deliveryId, endpoint_id: attempt.endpointId, tenant_id: attempt.tenantId,
        attempt: attempt.attempt, outcome, status_code: attempt.statusCode, duration_ms: attempt.durationMs },
      'delivery attempt',
    );
    return attempt;
  }

  stop(): Promise<void> {
    return this.#d.consumer.disconnect();
  }
}
