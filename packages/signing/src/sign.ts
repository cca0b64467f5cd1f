import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import { secretKey } from './secret.ts';

/** What is signed: the Standard Webhooks message id, the unix-seconds timestamp and the exact body. */
export interface SignInput {
  id: string;
  timestamp: number;
  body: string;
}

/** Prepared HMAC keys by secret: preparing a key costs more than hashing a small body. Bounded, oldest out. */
const keys = new Map<string, KeyObject>();
const MAX_KEYS = 10_000;

function keyOf(secret: string): KeyObject {
  let key = keys.get(secret);
  if (!key) {
    key = createSecretKey(secretKey(secret));
    keys.set(secret, key);
    if (keys.size > MAX_KEYS) keys.delete(keys.keys().next().value!);
  }
  return key;
}

function hmac(secret: string, { id, timestamp, body }: SignInput): string {
  return createHmac('sha256', keyOf(secret)).update(`${id}.${timestamp}.${body}`).digest('base64');
}

/**
 * The `webhook-signature` header value: `v1,<base64 HMAC-SHA256>` for each active secret, space-separated
 * (several during a secret rotation, so receivers holding either secret verify).
 */
export function sign(secrets: readonly string[], input: SignInput): string {
  if (secrets.length === 0) throw new Error('at least one secret is needed to sign');
  return secrets.map((s) => `v1,${hmac(s, input)}`).join(' ');
}

export type VerifyResult = { ok: true } | { ok: false; reason: 'no_match' | 'timestamp_out_of_tolerance' };

/**
 * Verifies a `webhook-signature` header against one secret in constant time, rejecting timestamps more than
 * `toleranceSeconds` away from `nowSeconds` (replay protection).
 */
export function verify(
  secret: string,
  input: SignInput,
  signatureHeader: string,
  nowSeconds: number = Math.floor(Date.now() / 1000),
  toleranceSeconds = 300,
): VerifyResult {
  if (Math.abs(nowSeconds - input.timestamp) > toleranceSeconds) return { ok: false, reason: 'timestamp_out_of_tolerance' };
  const expected = Buffer.from(hmac(secret, input));
  for (const part of signatureHeader.split(' ')) {
    const [version, sig] = part.split(',', 2);
    if (version !== 'v1' || sig === undefined) continue;
    const given = Buffer.from(sig);
    if (given.length === expected.length && timingSafeEqual(given, expected)) return { ok: true };
  }
  return { ok: false, reason: 'no_match' };
}
