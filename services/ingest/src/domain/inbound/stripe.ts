import { hmacOf } from './hmac.ts';
import { failed, TIMESTAMP_TOLERANCE_SECONDS, verified, type InboundRequest, type Verdict } from './inbound-request.ts';
import { anySafeEqual } from './safe-equal.ts';

/**
 * Stripe: `Stripe-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">[,v1=…]`, keyed with the
 * endpoint's signing secret (`whsec_…`, the whole string), and `t` within the tolerance of now
 * (docs.stripe.com, "Verify webhook signatures manually"). Several `v1` appear while Stripe rolls a secret.
 */
export function verifyStripe(req: InboundRequest, secrets: readonly string[], toleranceSeconds = TIMESTAMP_TOLERANCE_SECONDS): Verdict {
  const header = req.headers['stripe-signature'];
  if (!header) return failed('missing_signature');
  let timestamp: string | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't') timestamp = value;
    else if (key === 'v1') signatures.push(value.toLowerCase());
  }
  if (timestamp === undefined || !/^\d{1,12}$/.test(timestamp)) return failed('missing_timestamp');
  if (signatures.length === 0) return failed('malformed_signature');
  if (Math.abs(req.nowSeconds - Number(timestamp)) > toleranceSeconds) return failed('timestamp_out_of_tolerance');
  const signed = Buffer.concat([Buffer.from(`${timestamp}.`), req.body]);
  const expected = secrets.map((s) => hmacOf('sha256', s, signed, 'hex'));
  return signatures.some((sig) => anySafeEqual(sig, expected)) ? verified : failed('no_match');
}
