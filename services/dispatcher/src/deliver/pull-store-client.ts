import type { DeliveryRecord } from '@hookline/contracts';
import type { PullMessagesRepository } from '@hookline/db';
import type { WebhookRequest } from '../domain/webhook-request.ts';
import type { SendOutcome } from './webhook-client.ts';

/**
 * Delivers to `pull` endpoints: the signed request (body and headers, as an HTTP receiver would get them) is stored
 * where the API's GET /v1/endpoints/{id}/messages reads it; the store's trigger wakes the readers waiting. A stored
 * message is a succeeded attempt (`stored`); a database failure is a `network_error` that goes the usual retry way.
 */
export class PullStoreClient {
  readonly #repo: PullMessagesRepository;

  constructor(repo: PullMessagesRepository) {
    this.#repo = repo;
  }

  async store(endpointId: string, delivery: DeliveryRecord, request: WebhookRequest): Promise<SendOutcome> {
    const started = performance.now();
    try {
      await this.#repo.store({
        endpointId,
        tenantId: delivery.tenantId,
        messageId: request.headers['webhook-id'] ?? delivery.eventId,
        deliveryId: delivery.deliveryId,
        attempt: delivery.attempt,
        eventId: delivery.eventId,
        eventType: delivery.type,
        eventCreatedAt: new Date(delivery.eventCreatedAt),
        headers: request.headers,
        body: request.body,
      });
      return { result: { kind: 'stored' }, durationMs: Math.round(performance.now() - started), responseBody: null };
    } catch (err) {
      const message = `storing the pull message failed: ${err instanceof Error ? err.message : String(err)}`;
      return { result: { kind: 'network_error', message }, durationMs: Math.round(performance.now() - started), responseBody: null };
    }
  }
}
