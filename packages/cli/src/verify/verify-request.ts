import { createPublicKey, timingSafeEqual, verify as verifySignature } from 'node:crypto';
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

/** The keys a request may be checked with: `whsec_` secrets (v1, HMAC) and `whpk_` public keys (v1a, ed25519). */
export interface VerifyKeys {
  secrets?: readonly string[];
  publicKeys?: readonly string[];
}

/**
 * Checks a saved request's Standard Webhooks signature with each key (several during a rotation). A `v1`
 * signature is computed with the `standardwebhooks` package (`Webhook#sign`) and compared in constant time with
 * every `v1,` signature of the header; a `v1a` signature is checked with node:crypto's ed25519 against each
 * `whpk_` public key (`standardwebhooks` has no v1a). The timestamp's age is checked only with
 * `toleranceSeconds` (a receiver uses 300): a request saved for a support case is usually older than any tolerance.
 */
export function verifyRequest(req: RawRequest, keys: VerifyKeys, opts: { now: Date; toleranceSeconds?: number }): Verdict {
  const id = req.headers['webhook-id'];
  const timestamp = req.headers['webhook-timestamp'];
  const signature = req.headers['webhook-signature'];
  const missing = [!id && 'webhook-id', !timestamp && 'webhook-timestamp', !signature && 'webhook-signature'].filter(Boolean);
  if (missing.length > 0) return { valid: false, reason: `the request has no ${missing.join(', ')} header` };
  if (!/^\d{1,12}$/.test(timestamp!)) return { valid: false, reason: `webhook-timestamp "${timestamp}" is not unix seconds`, webhookId: id! };
  const signedAt = new Date(Number(timestamp) * 1_000);
  const ageSeconds = Math.round(opts.now.getTime() / 1_000 - Number(timestamp));
  const base = { webhookId: id!, signedAt: signedAt.toISOString(), ageSeconds };
  const signatures = (wanted: string) =>
    signature!
      .split(' ')
      .filter(Boolean)
      .map((s) => s.split(','))
      .filter(([version, value]) => version === wanted && value)
      .map(([, value]) => value!);
  const secrets = keys.secrets ?? [];
  const publicKeys = keys.publicKeys ?? [];
  const matched = (what: string) =>
    opts.toleranceSeconds !== undefined && Math.abs(ageSeconds) > opts.toleranceSeconds
      ? { valid: false, reason: `the signature matches, but the timestamp is ${ageSeconds} s old (tolerance ${opts.toleranceSeconds} s)`, ...base }
      : { valid: true, reason: `signature matches${what}`, ...base };

  if (publicKeys.length > 0) {
    const given = signatures('v1a').map((s) => Buffer.from(s, 'base64'));
    if (given.length === 0) return { valid: false, reason: 'webhook-signature holds no v1a signature', ...base };
    const content = Buffer.from(`${id}.${timestamp}.${req.body}`);
    for (const [i, publicKey] of publicKeys.entries()) {
      const raw = Buffer.from(publicKey.replace(/^whpk_/, ''), 'base64');
      if (!publicKey.startsWith('whpk_') || raw.length !== 32) return { valid: false, reason: `public key ${i + 1} is not a whpk_ key (whpk_ + base64 of 32 bytes)`, ...base };
      const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
      if (given.some((g) => g.length === 64 && verifySignature(null, content, key, g))) return matched(publicKeys.length > 1 ? ` public key ${i + 1}` : '');
    }
    if (secrets.length === 0) return { valid: false, reason: noMatch('public key', req), ...base };
  }

  const given = signatures('v1').map((s) => Buffer.from(s));
  if (given.length === 0) return { valid: false, reason: 'webhook-signature holds no v1 signature', ...base };
  for (const [i, secret] of secrets.entries()) {
    let wh: Webhook;
    try {
      wh = new Webhook(secret);
    } catch (err) {
      return { valid: false, reason: `secret ${i + 1} is not a whsec_ secret (${(err as Error).message})`, ...base };
    }
    const expected = Buffer.from(wh.sign(id!, signedAt, req.body).split(',')[1]!);
    if (given.some((g) => g.length === expected.length && timingSafeEqual(g, expected))) return matched(secrets.length > 1 ? ` secret ${i + 1}` : '');
  }
  return { valid: false, reason: noMatch('secret', req), ...base };
}

function noMatch(key: string, req: RawRequest): string {
  return `no signature matches: another ${key}, or the body or headers were changed (body of ${req.body.length} bytes${req.headers['content-length'] ? '' : ', no Content-Length to cut it'})`;
}
