import {
  deliveryRecord,
  encodeRecord,
  newId,
  operationalEventRecord,
  type OperationalEventRecord,
  type OperationalEventType,
  type TopicNames,
} from '@hookline/contracts';
import type { DirectoryEndpoint } from '@hookline/db';
import type { TopicRecords } from '../domain/handoff-records.ts';

/** The id of the pseudo-endpoint that delivers operational events to `OPERATIONAL_WEBHOOK_URL`. */
export const OPERATIONAL_ENDPOINT_ID = 'hookline_operational';
/** The tenant id operational webhook deliveries carry. */
export const OPERATIONAL_TENANT_ID = 'hookline';

/** The operational webhook as an endpoint of the in-memory directory (it is not in the endpoints table). */
export function operationalEndpoint(url: string, secret: string): DirectoryEndpoint {
  return {
    id: OPERATIONAL_ENDPOINT_ID,
    tenantId: OPERATIONAL_TENANT_ID,
    applicationId: OPERATIONAL_TENANT_ID,
    url,
    eventTypes: [],
    headers: {},
    rateLimitPerSecond: null,
    timeoutMs: null,
    maxConcurrency: null,
    disabled: false,
    disabledReason: null,
    secrets: [{ secret, expiresAt: null }],
  };
}

/**
 * Builds the records for one operational event: one on the operational topic and, when an operational
 * webhook is configured, one delivery to it on the deliveries topic (the same signed pipeline as any webhook).
 */
export class OperationalEvents {
  readonly #topics: TopicNames;
  readonly #webhook: boolean;

  constructor(topics: TopicNames, opts: { webhook: boolean }) {
    this.#topics = topics;
    this.#webhook = opts.webhook;
  }

  records(
    type: OperationalEventType,
    subject: { tenantId: string; endpointId: string },
    data: Record<string, unknown>,
    now: Date,
  ): TopicRecords[] {
    // Never about the operational webhook itself: its failures would feed back into it.
    if (subject.endpointId === OPERATIONAL_ENDPOINT_ID) return [];
    const event: OperationalEventRecord = { id: newId('opev'), type, ...subject, timestamp: now.toISOString(), data };
    const out: TopicRecords[] = [{ topic: this.#topics.operational, messages: [{ key: subject.endpointId, value: encodeRecord(operationalEventRecord, event) }] }];
    if (this.#webhook) {
      out.push({
        topic: this.#topics.deliveries,
        messages: [{
          key: OPERATIONAL_ENDPOINT_ID,
          value: encodeRecord(deliveryRecord, {
            deliveryId: `dlv_${event.id}`,
            eventId: event.id,
            tenantId: OPERATIONAL_TENANT_ID,
            endpointId: OPERATIONAL_ENDPOINT_ID,
            type,
            data: { ...subject, ...data },
            eventCreatedAt: event.timestamp,
            attempt: 0,
          }),
        }],
      });
    }
    return out;
  }
}
