import { generateSecret } from '@hookline/signing';
import { waitFor, type Receiver } from '@hookline/testing';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DispatcherApp } from '../services/dispatcher/src/app.ts';
import { startDispatcherWorld, type DispatcherHarness, type DispatcherWorld } from './dispatcher-fixtures.ts';

describe('signatures, checked with the standardwebhooks package: what a receiver accepts and refuses', () => {
  let app: DispatcherApp;
  let receiver: Receiver;
  let h: DispatcherHarness;
  let rig: DispatcherWorld | undefined;
  let secret: string;
  let delivered: { body: string; headers: Record<string, string> };

  beforeAll(async () => {
    rig = await startDispatcherWorld('signatures', () => ({}));
    ({ receiver, app, h } = rig);
    const ep = await h.endpoint({ url: receiver.url('/signed'), eventTypes: ['order.paid'] });
    secret = ep.secret;
    await waitFor(() => app.subscribed(h.tenantId, 'order.paid').includes(ep.id), { timeoutMs: 1_000 });
    await h.publish([{ type: 'order.paid', data: { amount: 4200, currency: 'EUR', note: 'naïve café ✓' } }]);
    const [req] = await receiver.waitForRequests(1, { match: (r) => r.path === '/signed' });
    delivered = { body: req!.body, headers: req!.headers as Record<string, string> };
  });
  afterAll(async () => {
    await rig?.stop();
  });

  const verify = (body: string, headers: Record<string, string>, key = secret) => () => new Webhook(key).verify(body, headers);

  it('the delivered webhook verifies with its endpoint secret', () => {
    expect(verify(delivered.body, delivered.headers)()).toMatchObject({ type: 'order.paid', data: { amount: 4200, note: 'naïve café ✓' } });
  });

  it('a tampered body fails', () => {
    expect(verify(delivered.body.replace('4200', '4201'), delivered.headers)).toThrow();
    expect(verify(`${delivered.body} `, delivered.headers)).toThrow();
  });

  it('another secret fails', () => {
    expect(verify(delivered.body, delivered.headers, generateSecret())).toThrow();
  });

  it('a timestamp older than 5 minutes (a replay) fails, and a changed id or timestamp breaks the signature', () => {
    const old = String(Number(delivered.headers['webhook-timestamp']) - 301);
    expect(verify(delivered.body, { ...delivered.headers, 'webhook-timestamp': old })).toThrow(/timestamp/i);
    expect(verify(delivered.body, { ...delivered.headers, 'webhook-id': 'msg_other' })).toThrow();
    expect(verify(delivered.body, { ...delivered.headers, 'webhook-timestamp': String(Number(delivered.headers['webhook-timestamp']) - 1) })).toThrow();
  });
});
