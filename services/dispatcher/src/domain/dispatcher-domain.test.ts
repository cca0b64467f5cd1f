import { generateSecret } from '@hookline/signing';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { outcomeOf, statusAfter } from './outcome.ts';
import { buildWebhookRequest, recordableHeaders } from './webhook-request.ts';

describe('outcomeOf', () => {
  it.each([
    [{ kind: 'response', statusCode: 200 } as const, 'succeeded'],
    [{ kind: 'response', statusCode: 204 } as const, 'succeeded'],
    [{ kind: 'response', statusCode: 301 } as const, 'http_error'],
    [{ kind: 'response', statusCode: 410 } as const, 'gone'],
    [{ kind: 'response', statusCode: 500 } as const, 'http_error'],
    [{ kind: 'timeout' } as const, 'timeout'],
    [{ kind: 'network_error', message: 'ECONNRESET' } as const, 'network_error'],
  ])('%j → %s', (result, outcome) => expect(outcomeOf(result)).toBe(outcome));

  it('only success succeeds', () => {
    expect(statusAfter('succeeded')).toBe('succeeded');
    expect(statusAfter('timeout')).toBe('failed');
  });
});

describe('buildWebhookRequest', () => {
  it('builds a Standard Webhooks request the reference library verifies', () => {
    const secret = generateSecret();
    const now = Math.floor(Date.now() / 1000);
    const req = buildWebhookRequest(
      {
        deliveryId: 'dlv_1', eventId: 'evt_1', tenantId: 'ten_1', endpointId: 'ep_1', type: 'user.created',
        data: { a: 1 }, eventCreatedAt: '2026-01-01T00:00:00.000Z', attempt: 0,
      },
      { secrets: [secret], headers: { 'X-Custom': 'yes', 'Webhook-Id': 'spoof' } },
      { nowSeconds: now, userAgent: 'Hookline/test' },
    );
    expect(JSON.parse(req.body)).toEqual({ id: 'evt_1', type: 'user.created', timestamp: '2026-01-01T00:00:00.000Z', data: { a: 1 } });
    expect(req.headers['webhook-id']).toBe('evt_1');
    expect(req.headers['x-custom']).toBe('yes');
    expect(new Webhook(secret).verify(req.body, req.headers)).toEqual(JSON.parse(req.body));
    expect(recordableHeaders(req.headers)).not.toHaveProperty('webhook-signature');
  });
});
