import { hmacOf } from './hmac.ts';
import { failed, TIMESTAMP_TOLERANCE_SECONDS, verified, type InboundRequest, type Verdict } from './inbound-request.ts';
import { anySafeEqual } from './safe-equal.ts';

/**
 * Slack: `X-Slack-Signature: v0=<hex HMAC-SHA256 of "v0:<X-Slack-Request-Timestamp>:<raw body>">`, keyed with the
 * app's signing secret, and the timestamp within five minutes of now (api.slack.com, "Verifying requests from Slack").
 */
export function verifySlack(req: InboundRequest, secrets: readonly string[], toleranceSeconds = TIMESTAMP_TOLERANCE_SECONDS): Verdict {
  const signature = req.headers['x-slack-signature'];
  const timestamp = req.headers['x-slack-request-timestamp'];
  if (!signature) return failed('missing_signature');
  if (!timestamp || !/^\d{1,12}$/.test(timestamp)) return failed('missing_timestamp');
  if (!signature.startsWith('v0=')) return failed('malformed_signature');
  if (Math.abs(req.nowSeconds - Number(timestamp)) > toleranceSeconds) return failed('timestamp_out_of_tolerance');
  const signed = Buffer.concat([Buffer.from(`v0:${timestamp}:`), req.body]);
  const expected = secrets.map((s) => `v0=${hmacOf('sha256', s, signed, 'hex')}`);
  return anySafeEqual(signature.toLowerCase(), expected) ? verified : failed('no_match');
}

/** Slack's Events API type: the inner event's type for `event_callback`, the envelope's otherwise. */
export function slackEventType(json: unknown): string | undefined {
  const body = json as { type?: unknown; event?: { type?: unknown } } | null;
  if (typeof body?.type !== 'string') return undefined;
  if (body.type === 'event_callback' && typeof body.event?.type === 'string') return body.event.type;
  return body.type;
}
