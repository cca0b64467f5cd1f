import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { parseRawRequest } from './raw-request.ts';
import { verifyRequest } from './verify-request.ts';

const secret = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;
const other = `whsec_${Buffer.alloc(32, 3).toString('base64')}`;
const body = '{"id":"evt_1","type":"a.b","timestamp":"2026-11-29T12:00:00Z","data":{"x":"é"}}';
const signedAt = new Date('2026-11-29T12:00:00Z');
const signature = new Webhook(secret).sign('evt_1', signedAt, body);
const now = new Date('2026-11-29T12:10:00Z');

const saved = (eol: string, extra = '', tail = '') =>
  Buffer.from(
    [
      'POST /hooks HTTP/1.1',
      'Host: example.com',
      'Content-Type: application/json',
      `Content-Length: ${Buffer.byteLength(body)}`,
      'webhook-id: evt_1',
      `webhook-timestamp: ${signedAt.getTime() / 1000}`,
      `Webhook-Signature: ${signature}${extra}`,
      '',
      body + tail,
    ].join(eol),
  );

describe('verify: parsing a saved request', () => {
  it('reads the request line, headers (lower-cased) and the body bytes, with CRLF or LF', () => {
    for (const eol of ['\r\n', '\n']) {
      const req = parseRawRequest(saved(eol));
      expect(req).toMatchObject({ method: 'POST', path: '/hooks' });
      expect(req.headers['webhook-id']).toBe('evt_1');
      expect(req.headers['content-type']).toBe('application/json');
      expect(req.body.toString('utf8')).toBe(body);
    }
  });

  it('cuts the body to Content-Length (an editor added a newline), and keeps it whole without one', () => {
    expect(parseRawRequest(saved('\n', '', '\n')).body.toString()).toBe(body);
    const noLength = Buffer.from(`webhook-id: x\n\n${body}\n`);
    expect(parseRawRequest(noLength).body.toString()).toBe(`${body}\n`);
  });

  it("reads curl -v's > prefixes and skips its * and < lines", () => {
    const curl = Buffer.from(
      ['* Connected to example.com', '> POST /hooks HTTP/1.1', '> webhook-id: evt_1', '> webhook-timestamp: 1', '> webhook-signature: v1,abc', '> ', body].join('\n'),
    );
    const req = parseRawRequest(curl);
    expect(req.headers).toEqual({ 'webhook-id': 'evt_1', 'webhook-timestamp': '1', 'webhook-signature': 'v1,abc' });
    expect(req.body.toString()).toBe(body);
  });

  it('joins repeated webhook-signature headers with a space', () => {
    const req = parseRawRequest(Buffer.from('webhook-signature: v1,a\nwebhook-signature: v1,b\n\n{}'));
    expect(req.headers['webhook-signature']).toBe('v1,a v1,b');
  });
});

describe('verify: the signature', () => {
  it('accepts the signed request, with any of several secrets or signatures (rotation)', () => {
    expect(verifyRequest(parseRawRequest(saved('\r\n')), { secrets: [secret] }, { now })).toMatchObject({ valid: true, webhookId: 'evt_1', ageSeconds: 600 });
    expect(verifyRequest(parseRawRequest(saved('\n', ' v1,bm90aGluZw==')), { secrets: [other, secret] }, { now })).toMatchObject({ valid: true, reason: 'signature matches secret 2' });
  });

  it('refuses another secret, a changed body, missing headers, and an old timestamp under --tolerance', () => {
    expect(verifyRequest(parseRawRequest(saved('\n')), { secrets: [other] }, { now })).toMatchObject({ valid: false, reason: expect.stringMatching(/^no signature matches/) });
    const tampered = parseRawRequest(Buffer.from(saved('\n').toString().replace('"x":"é"', '"x":"e"')));
    expect(verifyRequest(tampered, { secrets: [secret] }, { now }).valid).toBe(false);
    expect(verifyRequest(parseRawRequest(Buffer.from('content-type: x\n\n{}')), { secrets: [secret] }, { now }).reason).toBe(
      'the request has no webhook-id, webhook-timestamp, webhook-signature header',
    );
    expect(verifyRequest(parseRawRequest(saved('\n')), { secrets: [secret] }, { now, toleranceSeconds: 300 })).toMatchObject({ valid: false, reason: expect.stringMatching(/600 s old/) });
    expect(verifyRequest(parseRawRequest(saved('\n')), { secrets: ['not-a-secret!'] }, { now }).valid).toBe(false);
  });
});

describe('verify: v1a (ed25519) with a public key', () => {
  // RFC 8032's TEST 1 key pair signing the Standard Webhooks example message; the signature was made outside
  // Hookline (Python's cryptography), as in packages/signing's known-answer test.
  const publicKey = 'whpk_11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=';
  const otherKey = `whpk_${Buffer.from('3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c', 'hex').toString('base64')}`;
  const request = (sig: string, text = '{"test": 2432232314}') =>
    parseRawRequest(Buffer.from(`webhook-id: msg_p5jXN8AQM9LWM0D4loKWxJek\nwebhook-timestamp: 1614265330\nwebhook-signature: ${sig}\n\n${text}`));
  const v1a = 'v1a,fldxM4gAKugP6nnt1hdz3sgGfZ6d99nzrMFnZOELIxbzEHoVmAb2ADpkJK7zgPePmPsle0zV9jSeGlHFG2NVAw==';

  it('accepts the signature with its public key, among other keys and other signatures (rotation)', () => {
    expect(verifyRequest(request(v1a), { publicKeys: [publicKey] }, { now })).toMatchObject({ valid: true, webhookId: 'msg_p5jXN8AQM9LWM0D4loKWxJek' });
    expect(verifyRequest(request(`v1,bm90aGluZw== v1a,bm90aGluZw== ${v1a}`), { publicKeys: [otherKey, publicKey] }, { now })).toMatchObject({
      valid: true,
      reason: 'signature matches public key 2',
    });
  });

  it('refuses another key, a changed body, a request without v1a, and a key that is not whpk_', () => {
    expect(verifyRequest(request(v1a), { publicKeys: [otherKey] }, { now })).toMatchObject({ valid: false, reason: expect.stringMatching(/^no signature matches: another public key/) });
    expect(verifyRequest(request(v1a, '{"test": 2432232315}'), { publicKeys: [publicKey] }, { now }).valid).toBe(false);
    expect(verifyRequest(request(signature), { publicKeys: [publicKey] }, { now }).reason).toBe('webhook-signature holds no v1a signature');
    expect(verifyRequest(request(v1a), { publicKeys: ['whpk_c2hvcnQ='] }, { now }).reason).toMatch(/^public key 1 is not a whpk_ key/);
  });
});
