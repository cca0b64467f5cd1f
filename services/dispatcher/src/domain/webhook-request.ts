import { webhookHeaders, type DeliveryRecord } from '@hookline/contracts';
import { sign } from '@hookline/signing';

/** The exact request a delivery sends: body bytes and headers (the signature is over this body). */
export interface WebhookRequest {
  body: string;
  headers: Record<string, string>;
}

/**
 * Builds the Standard Webhooks request for a delivery: body `{id, type, timestamp, data}`, `webhook-id` = the
 * event id (the same on every retry, so receivers deduplicate), `webhook-timestamp` = this attempt's unix
 * seconds, one `v1,` signature per active secret, W3C `traceparent`. The event's forwarded headers and the
 * endpoint's custom headers cannot override the protocol headers (nor the event's the endpoint's).
 */
export function buildWebhookRequest(
  delivery: DeliveryRecord,
  endpoint: { secrets: readonly string[]; headers: Record<string, string> },
  opts: { nowSeconds: number; userAgent: string; traceparent?: string },
): WebhookRequest {
  const body = JSON.stringify({
    id: delivery.eventId,
    type: delivery.type,
    timestamp: delivery.eventCreatedAt,
    data: delivery.data,
  });
  // Lowest first: the event's forwarded headers, the endpoint's custom headers, then the protocol's.
  const custom: Record<string, string> = { ...delivery.headers };
  for (const [k, v] of Object.entries(endpoint.headers)) custom[k.toLowerCase()] = v;
  return {
    body,
    headers: {
      ...custom,
      'content-type': 'application/json',
      'user-agent': opts.userAgent,
      ...(opts.traceparent ? { traceparent: opts.traceparent } : {}),
      [webhookHeaders.id]: delivery.eventId,
      [webhookHeaders.timestamp]: String(opts.nowSeconds),
      [webhookHeaders.signature]: sign(endpoint.secrets, { id: delivery.eventId, timestamp: opts.nowSeconds, body }),
    },
  };
}

/** Headers as recorded with an attempt: everything but the signature. */
export function recordableHeaders(headers: Record<string, string>): Record<string, string> {
  const { [webhookHeaders.signature]: _signature, ...rest } = headers;
  return rest;
}
