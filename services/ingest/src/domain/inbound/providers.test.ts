import { createHmac } from 'node:crypto';
import { sign } from '@hookline/signing';
import { describe, expect, it } from 'vitest';
import type { InboundRequest } from './inbound-request.ts';
import { deliveryIdOf, forwardedHeaders, keptHeaders, providerEventType, verifyInbound } from './providers.ts';

const req = (body: string, headers: Record<string, string>, nowSeconds = 1_700_000_000): InboundRequest => ({
  body: Buffer.from(body),
  headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])),
  nowSeconds,
});
const hex = (key: string, msg: string) => createHmac('sha256', key).update(msg).digest('hex');

describe('github (X-Hub-Signature-256)', () => {
  // GitHub's documented test values ("Validating webhook deliveries", "Testing the webhook payload validation").
  const secret = "It's a Secret to Everybody";
  const documented = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';

  it('verifies the documented example and refuses a tampered body, a wrong secret and no header', () => {
    const s = { provider: 'github' } as const;
    expect(verifyInbound(s, req('Hello, World!', { 'X-Hub-Signature-256': documented }), [secret])).toEqual({ ok: true });
    expect(verifyInbound(s, req('Hello, World?', { 'X-Hub-Signature-256': documented }), [secret])).toEqual({ ok: false, reason: 'no_match' });
    expect(verifyInbound(s, req('Hello, World!', { 'X-Hub-Signature-256': documented }), ['other'])).toEqual({ ok: false, reason: 'no_match' });
    expect(verifyInbound(s, req('Hello, World!', {}), [secret])).toEqual({ ok: false, reason: 'missing_signature' });
    // A rotated-out secret still verifies while it is in the list.
    expect(verifyInbound(s, req('Hello, World!', { 'X-Hub-Signature-256': documented }), ['new', secret]).ok).toBe(true);
  });

  it('names the type from X-GitHub-Event and action, and dedups by X-GitHub-Delivery', () => {
    const r = req('{"action":"opened"}', { 'X-GitHub-Event': 'pull_request', 'X-GitHub-Delivery': 'd-1' });
    expect(providerEventType('github', r, { action: 'opened' })).toBe('pull_request.opened');
    expect(providerEventType('github', r, {})).toBe('pull_request');
    expect(deliveryIdOf('github', r, {})).toBe('d-1');
  });
});

describe('slack (X-Slack-Signature, X-Slack-Request-Timestamp)', () => {
  // Slack's documented example ("Verifying requests from Slack").
  const secret = '8f742231b10e8888abcd99yyyzzz85a5';
  const body = 'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
  const headers = { 'X-Slack-Request-Timestamp': '1531420618', 'X-Slack-Signature': 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503' };

  it('verifies the documented example at its time, refuses it five minutes and a second later', () => {
    const s = { provider: 'slack' } as const;
    expect(verifyInbound(s, req(body, headers, 1531420618 + 10), [secret])).toEqual({ ok: true });
    expect(verifyInbound(s, req(body, headers, 1531420618 + 301), [secret])).toEqual({ ok: false, reason: 'timestamp_out_of_tolerance' });
    expect(verifyInbound(s, req(`${body}x`, headers, 1531420618), [secret])).toEqual({ ok: false, reason: 'no_match' });
    expect(verifyInbound(s, req(body, { 'X-Slack-Signature': headers['X-Slack-Signature'] }, 1531420618), [secret])).toEqual({ ok: false, reason: 'missing_timestamp' });
  });
});

describe('stripe (Stripe-Signature)', () => {
  const secret = 'whsec_test_secret';
  const body = '{"id":"evt_1","type":"invoice.paid","data":{"object":{}}}';
  const t = 1_700_000_000;

  it('verifies t and any v1 within tolerance, refuses expired, tampered and v0-only', () => {
    const s = { provider: 'stripe' } as const;
    const v1 = hex(secret, `${t}.${body}`);
    expect(verifyInbound(s, req(body, { 'Stripe-Signature': `t=${t},v1=${v1},v0=abc` }, t + 5), [secret]).ok).toBe(true);
    expect(verifyInbound(s, req(body, { 'Stripe-Signature': `t=${t},v1=${'0'.repeat(64)},v1=${v1}` }, t), [secret]).ok).toBe(true);
    expect(verifyInbound(s, req(body, { 'Stripe-Signature': `t=${t},v1=${v1}` }, t + 301), [secret])).toEqual({ ok: false, reason: 'timestamp_out_of_tolerance' });
    expect(verifyInbound(s, req(body.replace('paid', 'void'), { 'Stripe-Signature': `t=${t},v1=${v1}` }, t), [secret])).toEqual({ ok: false, reason: 'no_match' });
    expect(verifyInbound(s, req(body, { 'Stripe-Signature': `t=${t},v0=${v1}` }, t), [secret])).toEqual({ ok: false, reason: 'malformed_signature' });
    expect(verifyInbound(s, req(body, { 'Stripe-Signature': `v1=${v1}` }, t), [secret])).toEqual({ ok: false, reason: 'missing_timestamp' });
  });

  it('takes the type and the dedup id from the body', () => {
    const r = req(body, {});
    expect(providerEventType('stripe', r, JSON.parse(body))).toBe('invoice.paid');
    expect(deliveryIdOf('stripe', r, JSON.parse(body))).toBe('evt_1');
  });
});

describe('shopify (X-Shopify-Hmac-Sha256)', () => {
  it('verifies the base64 HMAC of the body; topic and webhook id from headers', () => {
    const body = '{"id":1}';
    const mac = createHmac('sha256', 'shpss_x').update(body).digest('base64');
    const r = req(body, { 'X-Shopify-Hmac-Sha256': mac, 'X-Shopify-Topic': 'orders/create', 'X-Shopify-Webhook-Id': 'w-1' });
    expect(verifyInbound({ provider: 'shopify' }, r, ['shpss_x']).ok).toBe(true);
    expect(verifyInbound({ provider: 'shopify' }, r, ['shpss_y']).ok).toBe(false);
    expect(providerEventType('shopify', r, {})).toBe('orders/create');
    expect(deliveryIdOf('shopify', r, {})).toBe('w-1');
  });
});

describe('standard-webhooks', () => {
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  it('verifies webhook-signature over id.timestamp.body, refuses an old timestamp', () => {
    const body = '{"type":"user.created","data":{}}';
    const ts = 1_700_000_000;
    const headers = { 'webhook-id': 'msg_1', 'webhook-timestamp': String(ts), 'webhook-signature': sign([secret], { id: 'msg_1', timestamp: ts, body }) };
    expect(verifyInbound({ provider: 'standard-webhooks' }, req(body, headers, ts), [secret]).ok).toBe(true);
    expect(verifyInbound({ provider: 'standard-webhooks' }, req(body, headers, ts + 400), [secret])).toEqual({ ok: false, reason: 'timestamp_out_of_tolerance' });
    expect(verifyInbound({ provider: 'standard-webhooks' }, req(`${body} `, headers, ts), [secret])).toEqual({ ok: false, reason: 'no_match' });
    expect(providerEventType('standard-webhooks', req(body, headers), JSON.parse(body))).toBe('user.created');
    expect(deliveryIdOf('standard-webhooks', req(body, headers), {})).toBe('msg_1');
  });
});

describe('generic hmac, basic, bearer, api-key, none', () => {
  it('hmac: header, algorithm, encoding and prefix as configured', () => {
    const mac = createHmac('sha512', 'k').update('abc').digest('hex').toUpperCase();
    const s = { provider: 'hmac', header: 'X-Sig', algorithm: 'sha512', encoding: 'hex', prefix: 'sha512=' } as const;
    expect(verifyInbound(s, req('abc', { 'x-sig': `sha512=${mac}` }), ['k']).ok).toBe(true);
    expect(verifyInbound(s, req('abc', { 'x-sig': mac }), ['k'])).toEqual({ ok: false, reason: 'malformed_signature' });
    const b64 = createHmac('sha1', 'k').update('abc').digest('base64');
    expect(verifyInbound({ provider: 'hmac', header: 'x-sig', algorithm: 'sha1', encoding: 'base64' }, req('abc', { 'x-sig': b64 }), ['k']).ok).toBe(true);
  });

  it('basic, bearer and api-key compare the credentials', () => {
    const basic = `Basic ${Buffer.from('user:pw').toString('base64')}`;
    expect(verifyInbound({ provider: 'basic', username: 'user' }, req('', { authorization: basic }), ['pw']).ok).toBe(true);
    expect(verifyInbound({ provider: 'basic', username: 'other' }, req('', { authorization: basic }), ['pw']).ok).toBe(false);
    expect(verifyInbound({ provider: 'bearer' }, req('', { authorization: 'Bearer tok' }), ['tok']).ok).toBe(true);
    expect(verifyInbound({ provider: 'bearer' }, req('', { authorization: 'tok' }), ['tok'])).toEqual({ ok: false, reason: 'missing_credentials' });
    expect(verifyInbound({ provider: 'api-key', header: 'X-Token' }, req('', { 'x-token': 'tok' }), ['tok']).ok).toBe(true);
    expect(verifyInbound({ provider: 'api-key' }, req('', { 'x-api-key': 'nope' }), ['tok']).ok).toBe(false);
    expect(verifyInbound({ provider: 'none' }, req('', {}), []).ok).toBe(true);
  });

  it('keeps selected headers only, never signatures or credentials', () => {
    const kept = keptHeaders(req('', { 'x-github-event': 'push', 'x-hub-signature-256': 'sha256=x', authorization: 'Bearer x', 'content-type': 'application/json' }));
    expect(kept).toEqual({ 'x-github-event': 'push', 'content-type': 'application/json' });
  });
});

describe('delivery ids from bodies', () => {
  it('are made storable: U+0000 and unpaired surrogates become U+FFFD, cut to 500 characters first', () => {
    const body = JSON.parse('{"id":"evt_\\u0000\\ud800x\\ud83d\\ude00"}') as unknown;
    expect(deliveryIdOf('stripe', req('', {}), body)).toBe('evt_\ufffd\ufffdx\ud83d\ude00');
    expect(deliveryIdOf('stripe', req('', {}), { id: 'x'.repeat(600) })).toHaveLength(500);
  });
});

describe('forwardedHeaders', () => {
  it('keeps provider headers under their names and renames the ones the webhook sets itself', () => {
    expect(forwardedHeaders({ 'x-github-event': 'push', 'content-type': 'application/json', 'user-agent': 'GitHub-Hookshot/1', 'webhook-id': 'msg_1' })).toEqual({
      'x-github-event': 'push',
      'x-original-content-type': 'application/json',
      'x-original-user-agent': 'GitHub-Hookshot/1',
      'x-original-webhook-id': 'msg_1',
    });
  });
});
