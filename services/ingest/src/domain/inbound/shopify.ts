import { verifyHmac } from './hmac.ts';
import type { InboundRequest, Verdict } from './inbound-request.ts';

/**
 * Shopify: `X-Shopify-Hmac-Sha256: <base64 HMAC-SHA256 of the raw body, keyed with the app's client secret>`
 * (shopify.dev, "Verify webhooks").
 */
export const verifyShopify = (req: InboundRequest, secrets: readonly string[]): Verdict =>
  verifyHmac(req, { header: 'x-shopify-hmac-sha256', algorithm: 'sha256', encoding: 'base64' }, secrets);
