import type { DeliveryRecord } from '@hookline/contracts';
import type { NewPullMessage, PullMessagesRepository } from '@hookline/db';
import { recordableHeaders, type WebhookRequest } from '../domain/webhook-request.ts';
import type { SendOutcome } from './webhook-client.ts';

/** Messages per INSERT at most. */
const MAX_BATCH = 500;

interface Queued {
  message: Omit<NewPullMessage, 'endpointId'>;
  done: (outcome: SendOutcome) => void;
  started: number;
}

/**
 * Delivers to `pull` endpoints: the request (body and headers, as an HTTP receiver would get them, but for the
 * signature, which ingest computes at each read with the read's timestamp) is stored where the API's
 * GET /v1/endpoints/{id}/messages reads it; the store's trigger wakes the readers waiting.
 *
 * One endpoint's messages are stored one statement at a time, in the order the deliveries reached the send (the
 * order of their partition), so its consumer reads them in publish order even though a partition's deliveries are
 * attempted concurrently; what arrives while a statement runs goes into the next one, many rows at once. A stored
 * message is a succeeded attempt (result `stored`); a database failure is a `network_error` that goes the usual
 * retry way.
 */
export class PullStoreClient {
  readonly #repo: PullMessagesRepository;
  readonly #queues = new Map<string, Queued[]>();

  constructor(repo: PullMessagesRepository) {
    this.#repo = repo;
  }

  store(endpointId: string, delivery: DeliveryRecord, request: WebhookRequest): Promise<SendOutcome> {
    return new Promise((done) => {
      const message = {
        tenantId: delivery.tenantId,
        messageId: request.headers['webhook-id'] ?? delivery.eventId,
        deliveryId: delivery.deliveryId,
        attempt: delivery.attempt,
        eventId: delivery.eventId,
        eventType: delivery.type,
        eventCreatedAt: new Date(delivery.eventCreatedAt),
        // Without the signature: ingest signs each read anew (docs/pull-endpoints.md), so a stored one would never be
        // served, only kept, and its timestamp grows stale.
        headers: recordableHeaders(request.headers),
        body: request.body,
      };
      const queue = this.#queues.get(endpointId);
      if (queue) {
        queue.push({ message, done, started: performance.now() });
        return;
      }
      this.#queues.set(endpointId, [{ message, done, started: performance.now() }]);
      void this.#drain(endpointId);
    });
  }

  /** Stores the endpoint's queue in batches until it is empty, then forgets it. */
  async #drain(endpointId: string): Promise<void> {
    const queue = this.#queues.get(endpointId)!;
    while (queue.length > 0) {
      const batch = queue.splice(0, MAX_BATCH);
      let failure: string | null = null;
      try {
        await this.#repo.storeMany(endpointId, batch.map((q) => q.message));
      } catch (err) {
        failure = `storing the pull message failed: ${err instanceof Error ? err.message : String(err)}`;
      }
      const now = performance.now();
      for (const q of batch) {
        q.done({
          result: failure === null ? { kind: 'stored' } : { kind: 'network_error', message: failure },
          durationMs: Math.round(now - q.started),
          responseBody: null,
        });
      }
    }
    this.#queues.delete(endpointId);
  }
}
