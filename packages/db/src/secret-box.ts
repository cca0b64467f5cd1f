import { encryptionKeyBytes } from '@hookline/config';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM encryption of endpoint signing secrets at rest. The key comes from `ENCRYPTION_KEY`
 * (32 bytes as 64 hex digits or base64); the ciphertext is `v1.<iv>.<tag>.<data>` in base64url parts.
 */
export class SecretBox {
  readonly #key: Buffer;

  constructor(key: string) {
    const bytes = encryptionKeyBytes(key);
    if (!bytes) throw new Error('ENCRYPTION_KEY must be 32 bytes (64 hex digits or base64)');
    this.#key = bytes;
  }

  encrypt(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', iv, cipher.getAuthTag(), data].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
  }

  decrypt(ciphertext: string): string {
    const [version, iv, tag, data] = ciphertext.split('.');
    if (version !== 'v1' || !iv || !tag || data === undefined) throw new Error('unknown secret ciphertext format');
    const decipher = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
  }
}

/** A new random key in the form `ENCRYPTION_KEY` expects (for `npm start` and tests). */
export function generateEncryptionKey(): string {
  return randomBytes(32).toString('hex');
}
