import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import { isPublicKey, isSigningKey, signEd25519, verifyEd25519 } from './asymmetric.ts';
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

/** What both schemes sign: `<webhook-id>.<webhook-timestamp>.<body>`. */
const signedContent = ({ id, timestamp, body }: SignInput) => `${id}.${timestamp}.${body}`;

function hmac(secret: string, input: SignInput): string {
  return createHmac('sha256', keyOf(secret)).update(signedContent(input)).digest('base64');
}

/**
 * The `webhook-signature` header value: one signature per active key, space-separated (several during a
 * rotation, so receivers holding either key verify). A `whsec_` secret signs `v1,<base64 HMAC-SHA256>`; a
 * `whsk_` ed25519 secret key signs `v1a,<base64 ed25519 signature>`, which receivers check with its `whpk_`.
 */
export function sign(secrets: readonly string[], input: SignInput): string {
  if (secrets.length === 0) throw new Error('at least one secret is needed to sign');
  return secrets.map((s) => (isSigningKey(s) ? `v1a,${signEd25519(s, signedContent(input))}` : `v1,${hmac(s, input)}`)).join(' ');
}

export type VerifyResult = { ok: true } | { ok: false; reason: 'no_match' | 'timestamp_out_of_tolerance' };

/**
 * Verifies a `webhook-signature` header against one key, rejecting timestamps more than `toleranceSeconds` away
 * from `nowSeconds` (replay protection). A `whsec_` secret checks the `v1` signatures (in constant time); a `whpk_`
 * public key checks the `v1a` ones.
 */
export function verify(
  secret: string,
  input: SignInput,
  signatureHeader: string,
  nowSeconds: number = Math.floor(Date.now() / 1000),
  toleranceSeconds = 300,
): VerifyResult {
  if (Math.abs(nowSeconds - input.timestamp) > toleranceSeconds) return { ok: false, reason: 'timestamp_out_of_tolerance' };
  if (isPublicKey(secret)) {
    const content = signedContent(input);
    for (const part of signatureHeader.split(' ')) {
      const [version, sig] = part.split(',', 2);
      if (version === 'v1a' && sig !== undefined && verifyEd25519(secret, content, sig)) return { ok: true };
    }
    return { ok: false, reason: 'no_match' };
  }
  const expected = Buffer.from(hmac(secret, input));
  for (const part of signatureHeader.split(' ')) {
    const [version, sig] = part.split(',', 2);
    if (version !== 'v1' || sig === undefined) continue;
    const given = Buffer.from(sig);
    if (given.length === expected.length && timingSafeEqual(given, expected)) return { ok: true };
  }
  return { ok: false, reason: 'no_match' };
}
