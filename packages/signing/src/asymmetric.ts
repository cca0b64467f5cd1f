import { createPrivateKey, createPublicKey, generateKeyPairSync, sign as edSign, verify as edVerify, type KeyObject } from 'node:crypto';

/** Standard Webhooks asymmetric keys: `whsk_` + base64 of the 32-byte ed25519 seed, `whpk_` + base64 of the 32-byte public key. */
const SECRET_KEY_PREFIX = 'whsk_';
const PUBLIC_KEY_PREFIX = 'whpk_';
const KEY_BYTES = 32;
const SIGNATURE_BYTES = 64;

// The fixed DER prefixes that wrap a raw 32-byte ed25519 key as PKCS#8 (secret) and SPKI (public) (RFC 8410).
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

function rawKey(text: string, prefix: string): Buffer | null {
  if (!text.startsWith(prefix)) return null;
  const b64 = text.slice(prefix.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64) || b64.length % 4 !== 0) return null;
  const bytes = Buffer.from(b64, 'base64');
  return bytes.length === KEY_BYTES ? bytes : null;
}

/** True when `key` is a `whsk_` ed25519 secret key (base64 of a 32-byte seed). */
export function isSigningKey(key: string): boolean {
  return rawKey(key, SECRET_KEY_PREFIX) !== null;
}

/** True when `key` is a `whpk_` ed25519 public key (base64 of 32 bytes). */
export function isPublicKey(key: string): boolean {
  return rawKey(key, PUBLIC_KEY_PREFIX) !== null;
}

/** Prepared key objects by their text: parsing DER costs more than signing a small body. Bounded, oldest out. */
const prepared = new Map<string, KeyObject>();
const MAX_KEYS = 10_000;

function keyObject(text: string, make: (raw: Buffer) => KeyObject, prefix: string): KeyObject {
  let key = prepared.get(text);
  if (!key) {
    const raw = rawKey(text, prefix);
    if (!raw) throw new TypeError(`not a ${prefix} ed25519 key (${prefix} + base64 of 32 bytes)`);
    key = make(raw);
    prepared.set(text, key);
    if (prepared.size > MAX_KEYS) prepared.delete(prepared.keys().next().value!);
  }
  return key;
}

const secretKeyObject = (key: string) =>
  keyObject(key, (raw) => createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, raw]), format: 'der', type: 'pkcs8' }), SECRET_KEY_PREFIX);
const publicKeyObject = (key: string) =>
  keyObject(key, (raw) => createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' }), PUBLIC_KEY_PREFIX);

/** A new ed25519 key pair in the Standard Webhooks text forms. */
export function generateSigningKeyPair(): { secretKey: string; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const seed = privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(PKCS8_PREFIX.length);
  const pub = publicKey.export({ format: 'der', type: 'spki' }).subarray(SPKI_PREFIX.length);
  return { secretKey: SECRET_KEY_PREFIX + seed.toString('base64'), publicKey: PUBLIC_KEY_PREFIX + pub.toString('base64') };
}

/** The `whpk_` public key that belongs to a `whsk_` secret key. */
export function publicKeyOf(secretKey: string): string {
  const der = createPublicKey(secretKeyObject(secretKey)).export({ format: 'der', type: 'spki' });
  return PUBLIC_KEY_PREFIX + der.subarray(SPKI_PREFIX.length).toString('base64');
}

/** The base64 ed25519 signature of `content` (the bytes after `v1a,`). */
export function signEd25519(secretKey: string, content: string): string {
  return edSign(null, Buffer.from(content), secretKeyObject(secretKey)).toString('base64');
}

/** True when `signatureB64` is a valid ed25519 signature of `content` by the key pair of `publicKey`. */
export function verifyEd25519(publicKey: string, content: string, signatureB64: string): boolean {
  const signature = Buffer.from(signatureB64, 'base64');
  if (signature.length !== SIGNATURE_BYTES) return false;
  return edVerify(null, Buffer.from(content), publicKeyObject(publicKey), signature);
}
