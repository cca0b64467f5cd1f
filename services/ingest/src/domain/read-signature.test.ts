import { generateSecret, generateSigningKeyPair, verify } from '@hookline/signing';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { signedAtRead } from './read-signature.ts';

const stored = {
  messageId: 'evt_1',
  headers: {
    'x-team': 'billing',
    'content-type': 'application/json',
    'user-agent': 'Hookline/0.1.0',
    'webhook-id': 'evt_1',
    'webhook-timestamp': '1700000000',
  },
  body: '{"id":"evt_1","type":"a","timestamp":"2023-11-14T22:13:20.000Z","data":{"n":1}}',
};

describe('signedAtRead', () => {
  it('stamps the read time and signs it, keeping the body, webhook-id and the other headers', () => {
    const secret = generateSecret();
    const now = Math.floor(Date.now() / 1000);
    const headers = signedAtRead(stored, [secret], now);
    expect(headers).toMatchObject({ 'x-team': 'billing', 'content-type': 'application/json', 'user-agent': 'Hookline/0.1.0', 'webhook-id': 'evt_1', 'webhook-timestamp': String(now) });
    // The standardwebhooks package with its default 5-minute tolerance accepts it, though it was stored years ago.
    expect(new Webhook(secret).verify(stored.body, headers)).toEqual(JSON.parse(stored.body));
  });

  it('signs with every active secret (a rotation overlap), HMAC and ed25519 alike', () => {
    const [older, newer] = [generateSecret(), generateSecret()];
    const keys = generateSigningKeyPair();
    const now = 1_800_000_000;
    const both = signedAtRead(stored, [newer, older], now);
    expect(both['webhook-signature']!.split(' ')).toHaveLength(2);
    for (const s of [newer, older]) expect(verify(s, { id: 'evt_1', timestamp: now, body: stored.body }, both['webhook-signature']!, now)).toEqual({ ok: true });
    const ed = signedAtRead(stored, [keys.secretKey], now);
    expect(ed['webhook-signature']).toMatch(/^v1a,/);
    expect(verify(keys.publicKey, { id: 'evt_1', timestamp: now, body: stored.body }, ed['webhook-signature']!, now)).toEqual({ ok: true });
  });

  it('replaces a stored signature rather than adding to it', () => {
    const secret = generateSecret();
    const headers = signedAtRead({ ...stored, headers: { ...stored.headers, 'webhook-signature': 'v1,stale' } }, [secret], 1_800_000_000);
    expect(headers['webhook-signature']).not.toContain('stale');
  });
});
