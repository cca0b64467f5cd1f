import { webhookHeaders } from '@hookline/contracts';
import { sign } from '@hookline/signing';

/** A stored pull message as far as signing goes: its id, the headers stored with it and the exact body. */
export interface StoredRequest {
  messageId: string;
  headers: Record<string, string>;
  body: string;
}

/**
 * The headers a pull endpoint's reader gets: the stored ones (content-type, user-agent, traceparent, the endpoint's
 * own headers, `webhook-id`) with `webhook-timestamp` = the read's unix seconds and `webhook-signature` computed then
 * over `<webhook-id>.<timestamp>.<body>` with every active secret (`v1,` HMAC or `v1a,` ed25519, several during a
 * rotation), as the dispatcher signs an HTTP attempt. A message read long after it was stored is then still within
 * a Standard Webhooks library's tolerance (5 minutes by default). The body and `webhook-id` are unchanged.
 */
export function signedAtRead(message: StoredRequest, secrets: readonly string[], nowSeconds: number): Record<string, string> {
  const id = message.headers[webhookHeaders.id] ?? message.messageId;
  return {
    ...message.headers,
    [webhookHeaders.id]: id,
    [webhookHeaders.timestamp]: String(nowSeconds),
    [webhookHeaders.signature]: sign(secrets, { id, timestamp: nowSeconds, body: message.body }),
  };
}
