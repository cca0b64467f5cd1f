import { describe, expect, it } from 'vitest';
import { generateEncryptionKey, SecretBox } from './secret-box.ts';

describe('SecretBox', () => {
  it('round-trips and never stores the plaintext', () => {
    const box = new SecretBox(generateEncryptionKey());
    const c = box.encrypt('whsec_abc');
    expect(c).not.toContain('whsec_abc');
    expect(box.encrypt('whsec_abc')).not.toBe(c);
    expect(box.decrypt(c)).toBe('whsec_abc');
  });

  it('refuses a wrong key or tampered ciphertext', () => {
    const c = new SecretBox(generateEncryptionKey()).encrypt('s');
    expect(() => new SecretBox(generateEncryptionKey()).decrypt(c)).toThrow();
    expect(() => new SecretBox('short')).toThrow(/32 bytes/);
  });
});
