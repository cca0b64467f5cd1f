import { describe, expect, it } from 'vitest';
import { findSecrets } from './find-secrets.ts';

const apiKey = `hk_${'A1b2C3d4'.repeat(5)}xyz`;
const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw+/3n0AbCdEf=';

describe('findSecrets', () => {
  it('finds a known secret in plaintext, as key material and URL-encoded, with its line, masked', () => {
    const text = ['{"msg":"ok"}', `{"msg":"created","apiKey":"${apiKey}"}`, `key=${secret.slice('whsec_'.length)}`, `url?s=${encodeURIComponent(secret)}`].join('\n');
    const found = findSecrets(text, [apiKey, secret]);
    expect(found.map((f) => [f.line, f.form])).toEqual([[2, 'plaintext'], [3, 'key material'], [4, 'url-encoded']]);
    expect(JSON.stringify(found)).not.toContain(apiKey);
    expect(JSON.stringify(found)).not.toContain(secret.slice(10));
    expect(found[0]!.context).toContain('"apiKey":"[SECRET]"');
  });

  it('finds secret-shaped tokens it was not told about, and ignores redacted mentions', () => {
    const other = `hk_${'Zz9_'.repeat(11)}`;
    expect(findSecrets(`authorization: Bearer ${other}`, []).map((f) => f.form)).toEqual(['shape']);
    expect(findSecrets('{"secret":"[redacted]","apiKey":"hk_…","note":"whsec_ prefix"}', [apiKey])).toEqual([]);
    expect(findSecrets(`Bearer ${other}`, [], { shapes: false })).toEqual([]);
  });

  it('refuses secrets short enough to match by chance', () => {
    expect(() => findSecrets('x', ['abc'])).toThrow(/shorter than 8/);
  });
});
