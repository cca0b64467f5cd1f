import { timingSafeEqual } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type { RawRequest } from './raw-request.ts';

/** The verdict on a saved request: valid or not, and why, in words for a support case. */
export interface Verdict {
  valid: boolean;
  reason: string;
  webhookId?: string;
  /** When the request says it was signed. */
  signedAt?: string;
  /** Seconds between the signature's timestamp and now. */
  ageSeconds?: number;
}

/**
 * Checks a saved request's Standard Webhooks signature with each secret (several during a rotation). The
 * signature is computed with the `standardwebhooks` package (`Webhook#sign`) and compared in constant time with
 * every `v1,` signature of the header. The timestamp's age is checked only with `toleranceSeconds` (a receiver
 * uses 300): a request saved for a support case is usually older than any tolerance.
 */
export function verifyRequest(req: RawRequest, secrets: readonly string[], opts: { now: Date; toleranceSeconds?: number }): Verdict {
  const id = req.headers['webhook-id'];
  const timestamp = req.headers['webhook-timestamp'];
  const signature = req.headers['webhook-signature'];
  const missing = [!id && 'webhook-id', !timestamp && 'webhook-timestamp', !signature && 'webhook-signature'].filter(Boolean);
  if (missing.length > 0) return { valid: false, reason: `the request has no ${missing.join(', ')} header` };
  if (!/^\d{1,12}$/.test(timestamp!)) return { valid: false, reason: `webhook-timestamp "${timestamp}" is not unix seconds`, webhookId: id! };
  const signedAt = new Date(Number(timestamp) * 1_000);
  const ageSeconds = Math.round(opts.now.getTime() / 1_000 - Number(timestamp));
  const base = { webhookId: id!, signedAt: signedAt.toISOString(), ageSeconds };
  const given = signature!
    .split(' ')
    .filter(Boolean)
    .map((s) => s.split(','))
    .filter(([version, value]) => version === 'v1' && value)
    .map(([, value]) => Buffer.from(value!));
  if (given.length === 0) return { valid: false, reason: 'webhook-signature holds no v1 signature', ...base };

  for (const [i, secret] of secrets.entries()) {
    let wh: Webhook;
    try {
      wh = new Webhook(secret);
    } catch (err) {
      return { valid: false, reason: `secret ${i + 1} is not a whsec_ secret (${(err as Error).message})`, ...base };
    }
    const expected = Buffer.from(wh.sign(id!, signedAt, req.body).split(',')[1]!);
    if (given.some((g) => g.length === expected.length && timingSafeEqual(g, expected))) {
      if (opts.toleranceSeconds !== undefined && Math.abs(ageSeconds) > opts.toleranceSeconds) {
        return { valid: false, reason: `the signature matches, but the timestamp is ${ageSeconds} s old (tolerance ${opts.toleranceSeconds} s)`, ...base };
      }
      return { valid: true, reason: `signature matches${secrets.length > 1 ? ` secret ${i + 1}` : ''}`, ...base };
    }
  }
  return {
    valid: false,
    reason: `no signature matches: another secret, or the body or headers were changed (body of ${req.body.length} bytes${req.headers['content-length'] ? '' : ', no Content-Length to cut it'})`,
    ...base,
  };
}
