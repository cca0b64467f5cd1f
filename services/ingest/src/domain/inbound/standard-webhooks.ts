import { verify } from '@hookline/signing';
import { failed, TIMESTAMP_TOLERANCE_SECONDS, verified, type InboundRequest, type Verdict } from './inbound-request.ts';

/**
 * Standard Webhooks (standardwebhooks.com; Svix, Hookline and others): `webhook-signature: v1,<base64 HMAC-SHA256
 * of "<webhook-id>.<webhook-timestamp>.<raw body>">` keyed with the base64 part of the `whsec_` secret, several
 * space-separated during a rotation, and the timestamp within five minutes of now.
 */
export function verifyStandardWebhooks(req: InboundRequest, secrets: readonly string[], toleranceSeconds = TIMESTAMP_TOLERANCE_SECONDS): Verdict {
  const id = req.headers['webhook-id'];
  const timestamp = req.headers['webhook-timestamp'];
  const signature = req.headers['webhook-signature'];
  if (!signature || !id) return failed('missing_signature');
  if (!timestamp || !/^\d{1,12}$/.test(timestamp)) return failed('missing_timestamp');
  // The signature covers the body as text: Standard Webhooks bodies are UTF-8 JSON; other bytes cannot match a
  // sender that signed text, and decoding them never throws.
  const input = { id, timestamp: Number(timestamp), body: req.body.toString('utf8') };
  let outOfTolerance = false;
  for (const secret of secrets) {
    const r = verify(secret, input, signature, req.nowSeconds, toleranceSeconds);
    if (r.ok) return verified;
    if (r.reason === 'timestamp_out_of_tolerance') outOfTolerance = true;
  }
  return failed(outOfTolerance ? 'timestamp_out_of_tolerance' : 'no_match');
}
