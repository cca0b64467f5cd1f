import { verifyApiKey, verifyBasic, verifyBearer } from './credentials.ts';
import { githubEventType, verifyGithub } from './github.ts';
import { verifyHmac, type HmacSettings } from './hmac.ts';
import { verified, type InboundRequest, type Verdict } from './inbound-request.ts';
import { verifyShopify } from './shopify.ts';
import { slackEventType, verifySlack } from './slack.ts';
import { verifyStandardWebhooks } from './standard-webhooks.ts';
import { verifyStripe } from './stripe.ts';

export const PROVIDERS = ['github', 'stripe', 'shopify', 'slack', 'standard-webhooks', 'hmac', 'basic', 'bearer', 'api-key', 'none'] as const;
export type Provider = (typeof PROVIDERS)[number];

/**
 * What a source keeps of its verification besides the secrets: the generic HMAC's header, algorithm, encoding and
 * prefix; basic auth's username; the bearer/api-key header. The secret material (HMAC secrets, password, token) is
 * kept apart, encrypted, as a list of active secrets (several during a rotation's grace period).
 */
export type VerificationSettings =
  | { provider: 'github' | 'stripe' | 'shopify' | 'slack' | 'standard-webhooks' | 'none' }
  | ({ provider: 'hmac' } & HmacSettings)
  | { provider: 'basic'; username: string }
  | { provider: 'bearer' | 'api-key'; header?: string | undefined };

/** True when the provider verifies with a secret (every provider but `none`). */
export const hasSecret = (provider: Provider): boolean => provider !== 'none';

/** Verifies a request as its provider documents, against every active secret. */
export function verifyInbound(settings: VerificationSettings, req: InboundRequest, secrets: readonly string[]): Verdict {
  switch (settings.provider) {
    case 'github': return verifyGithub(req, secrets);
    case 'stripe': return verifyStripe(req, secrets);
    case 'shopify': return verifyShopify(req, secrets);
    case 'slack': return verifySlack(req, secrets);
    case 'standard-webhooks': return verifyStandardWebhooks(req, secrets);
    case 'hmac': return verifyHmac(req, settings, secrets);
    case 'basic': return verifyBasic(req, settings.username, secrets);
    case 'bearer': return verifyBearer(req, settings.header, secrets);
    case 'api-key': return verifyApiKey(req, settings.header, secrets);
    case 'none': return verified;
  }
}

const field = (json: unknown, name: string): string | undefined => {
  const v = (json as Record<string, unknown> | null)?.[name];
  return typeof v === 'string' && v.length > 0 ? v : undefined;
};

/** Text PostgreSQL can store: U+0000 and unpaired surrogates (which JSON bodies may carry) become U+FFFD. */
export const storableText = (s: string): string =>
  // eslint-disable-next-line no-control-regex -- U+0000 is exactly what is replaced
  s.replace(/\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');

/**
 * The provider's id of this delivery, the same on its retries (deduplication key): `X-GitHub-Delivery`, Stripe's
 * event `id`, `X-Shopify-Webhook-Id` (or `X-Shopify-Event-Id`), Slack's Events API `event_id`, `webhook-id`; for the
 * generic providers, `webhook-id` or `Idempotency-Key` when the sender sets one. Undefined: no deduplication.
 */
export function deliveryIdOf(provider: Provider, req: InboundRequest, json: unknown): string | undefined {
  const id = rawDeliveryId(provider, req, json);
  return id === undefined ? undefined : storableText(id.slice(0, 500));
}

function rawDeliveryId(provider: Provider, req: InboundRequest, json: unknown): string | undefined {
  const h = req.headers;
  switch (provider) {
    case 'github': return h['x-github-delivery'];
    case 'stripe': return field(json, 'id');
    case 'shopify': return h['x-shopify-webhook-id'] ?? h['x-shopify-event-id'];
    case 'slack': return field(json, 'event_id');
    case 'standard-webhooks': return h['webhook-id'];
    default: return h['webhook-id'] ?? h['idempotency-key'];
  }
}

/**
 * The event type the provider gives: GitHub's `X-GitHub-Event` + `.action`, Stripe's and Standard Webhooks' body
 * `type`, Shopify's `X-Shopify-Topic`, Slack's event type. Undefined when the request names none.
 */
export function providerEventType(provider: Provider, req: InboundRequest, json: unknown): string | undefined {
  switch (provider) {
    case 'github': return githubEventType(req, json);
    case 'stripe': case 'standard-webhooks': return field(json, 'type');
    case 'shopify': return req.headers['x-shopify-topic'];
    case 'slack': return slackEventType(json);
    default: return undefined;
  }
}

/** Headers kept with each inbound request (what a destination may want); never signatures or credentials. */
export const KEPT_HEADERS = [
  'content-type', 'user-agent',
  'x-github-event', 'x-github-delivery', 'x-github-hook-id', 'x-github-hook-installation-target-id', 'x-github-hook-installation-target-type',
  'x-shopify-topic', 'x-shopify-shop-domain', 'x-shopify-webhook-id', 'x-shopify-event-id', 'x-shopify-api-version', 'x-shopify-triggered-at',
  'x-slack-retry-num', 'x-slack-retry-reason', 'x-slack-request-timestamp',
  'webhook-id', 'webhook-timestamp', 'idempotency-key',
] as const;

const PROTOCOL_HEADER = /^(webhook-.*|content-type|content-length|host|user-agent|traceparent|tracestate|connection|transfer-encoding)$/;

/**
 * The kept headers as forwarded with the event's webhooks: under their own names (a destination written for the
 * provider can route on `x-github-event`), except those the webhook sets itself (`content-type`, `user-agent`,
 * `webhook-*`, …), which are forwarded as `x-original-<name>`.
 */
export function forwardedHeaders(kept: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(kept)) out[PROTOCOL_HEADER.test(name) ? `x-original-${name}` : name] = value;
  return out;
}

/** The kept headers a request has. */
export function keptHeaders(req: InboundRequest): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of KEPT_HEADERS) if (req.headers[name] !== undefined) kept[name] = req.headers[name].slice(0, 1_000);
  return kept;
}
