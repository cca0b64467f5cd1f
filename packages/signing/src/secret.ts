import { randomBytes } from 'node:crypto';

const PREFIX = 'whsec_';

/** A new Standard Webhooks secret: `whsec_` + base64 of `bytes` random bytes (24–64). */
export function generateSecret(bytes = 32): string {
  if (bytes < 24 || bytes > 64) throw new RangeError('secret length must be 24–64 bytes');
  return PREFIX + randomBytes(bytes).toString('base64');
}

/** True when `secret` has the Standard Webhooks form: `whsec_` + base64 of 24–64 bytes. */
export function isValidSecret(secret: string): boolean {
  if (!secret.startsWith(PREFIX)) return false;
  const b64 = secret.slice(PREFIX.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64) || b64.length % 4 !== 0) return false;
  const len = Buffer.from(b64, 'base64').length;
  return len >= 24 && len <= 64;
}

/** The HMAC key bytes of a secret (the base64 part after `whsec_`). */
export function secretKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret, 'base64');
}
