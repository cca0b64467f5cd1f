import { Webhook } from 'standardwebhooks';
import nacl from 'tweetnacl';
import { describe, expect, it } from 'vitest';
import { generateSigningKeyPair, isPublicKey, isSigningKey, publicKeyOf, signEd25519, verifyEd25519 } from './asymmetric.ts';
import { generateSecret } from './secret.ts';
import { sign, verify } from './sign.ts';

// Known answer: the RFC 8032 §7.1 TEST 1 key pair in the Standard Webhooks text forms, signing the spec's example
// message (`<webhook-id>.<webhook-timestamp>.<body>`). The signature was computed outside this code, with Python's
// `cryptography` (OpenSSL), and the empty-message signature is RFC 8032's own.
const rfcSeedHex = '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60';
const rfcPublicHex = 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a';
const kat = {
  secretKey: 'whsk_nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=',
  publicKey: 'whpk_11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1a,fldxM4gAKugP6nnt1hdz3sgGfZ6d99nzrMFnZOELIxbzEHoVmAb2ADpkJK7zgPePmPsle0zV9jSeGlHFG2NVAw==',
};

describe('ed25519 keys', () => {
  it('formats the RFC 8032 key pair as whsk_/whpk_ (base64 of the 32-byte seed and public key)', () => {
    expect(kat.secretKey).toBe('whsk_' + Buffer.from(rfcSeedHex, 'hex').toString('base64'));
    expect(kat.publicKey).toBe('whpk_' + Buffer.from(rfcPublicHex, 'hex').toString('base64'));
    expect(publicKeyOf(kat.secretKey)).toBe(kat.publicKey);
    expect(Buffer.from(signEd25519(kat.secretKey, ''), 'base64').toString('hex')).toBe(
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
    );
  });

  it('generates pairs whose public key is the secret key’s', () => {
    const pair = generateSigningKeyPair();
    expect(isSigningKey(pair.secretKey)).toBe(true);
    expect(isPublicKey(pair.publicKey)).toBe(true);
    expect(publicKeyOf(pair.secretKey)).toBe(pair.publicKey);
    expect(generateSigningKeyPair().secretKey).not.toBe(pair.secretKey);
  });

  it.each(['', 'whsk_', 'whpk_' + Buffer.alloc(32).toString('base64'), 'whsk_' + Buffer.alloc(31).toString('base64'), 'whsk_' + '!'.repeat(44), generateSecret()])(
    'rejects %j as a secret key',
    (k) => expect(isSigningKey(k)).toBe(false),
  );
  it.each(['', 'whpk_', 'whsk_' + Buffer.alloc(32).toString('base64'), 'whpk_' + Buffer.alloc(33).toString('base64')])(
    'rejects %j as a public key',
    (k) => expect(isPublicKey(k)).toBe(false),
  );
});

describe('v1a signatures', () => {
  const now = 1_700_000_000;
  const body = JSON.stringify({ id: 'evt_1', type: 't', data: { n: 1 } });

  it('signs the known answer', () => {
    expect(sign([kat.secretKey], kat)).toBe(kat.signature);
    expect(verify(kat.publicKey, kat, kat.signature, kat.timestamp)).toEqual({ ok: true });
  });

  it('is verified by an independent ed25519 implementation (tweetnacl) over the Standard Webhooks content', () => {
    const pair = generateSigningKeyPair();
    const header = sign([pair.secretKey], { id: 'evt_1', timestamp: now, body });
    const [version, sig] = header.split(',');
    expect(version).toBe('v1a');
    const pub = Buffer.from(pair.publicKey.slice('whpk_'.length), 'base64');
    expect(nacl.sign.detached.verify(Buffer.from(`evt_1.${now}.${body}`), Buffer.from(sig!, 'base64'), pub)).toBe(true);
    expect(nacl.sign.detached.verify(Buffer.from(`evt_1.${now}.${body} `), Buffer.from(sig!, 'base64'), pub)).toBe(false);
  });

  it('signs with every key during a rotation, and each public key verifies; tampering and stale timestamps fail', () => {
    const oldPair = generateSigningKeyPair();
    const newPair = generateSigningKeyPair();
    const input = { id: 'evt_1', timestamp: now, body };
    const header = sign([newPair.secretKey, oldPair.secretKey], input);
    expect(header.split(' ').map((p) => p.split(',')[0])).toEqual(['v1a', 'v1a']);
    for (const pair of [oldPair, newPair]) expect(verify(pair.publicKey, input, header, now)).toEqual({ ok: true });
    expect(verify(generateSigningKeyPair().publicKey, input, header, now)).toEqual({ ok: false, reason: 'no_match' });
    expect(verify(newPair.publicKey, { ...input, body: body + ' ' }, header, now).ok).toBe(false);
    expect(verify(newPair.publicKey, input, header, now + 301)).toEqual({ ok: false, reason: 'timestamp_out_of_tolerance' });
    expect(verifyEd25519(newPair.publicKey, `evt_1.${now}.${body}`, 'c2hvcnQ=')).toBe(false);
  });

  it('leaves HMAC alone: a v1 receiver (standardwebhooks) ignores v1a and checks v1 next to it', () => {
    const secret = generateSecret();
    const pair = generateSigningKeyPair();
    const timestamp = Math.floor(Date.now() / 1000);
    const header = sign([pair.secretKey, secret], { id: 'evt_1', timestamp, body });
    const headers = { 'webhook-id': 'evt_1', 'webhook-timestamp': String(timestamp), 'webhook-signature': header };
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(verify(pair.publicKey, { id: 'evt_1', timestamp, body }, header, timestamp)).toEqual({ ok: true });
    // A public key never matches a v1 signature, nor a secret a v1a one.
    expect(verify(pair.publicKey, { id: 'evt_1', timestamp, body }, sign([secret], { id: 'evt_1', timestamp, body }), timestamp).ok).toBe(false);
  });
});
