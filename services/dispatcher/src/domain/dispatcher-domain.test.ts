import { generateSecret } from '@hookline/signing';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { decide, outcomeOf } from './outcome.ts';
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

  it('maps an SSRF refusal to ssrf_blocked', () => {
    expect(outcomeOf({ kind: 'ssrf_blocked', message: 'loopback' })).toBe('ssrf_blocked');
  });
});

describe('decide: commit, retry tier or dead-letter, in one place', () => {
  const schedule = [1_000, 10_000, 60_000];
  const base = { schedule, nowMs: 0, random: 0.5 };

  it('commits successes and ends a delivery on 410 Gone, disabling the endpoint', () => {
    expect(decide({ ...base, outcome: 'succeeded', attemptsMade: 1 })).toEqual({ action: 'done', status: 'succeeded' });
    expect(decide({ ...base, outcome: 'gone', attemptsMade: 1, statusCode: 410 })).toEqual({ action: 'done', status: 'failed', disableEndpoint: 'gone' });
    expect(decide({ ...base, outcome: 'ssrf_blocked', attemptsMade: 1 })).toEqual({ action: 'done', status: 'failed' });
  });

  it.each(['http_error', 'timeout', 'network_error'] as const)('retries %s on the schedule, then goes dead', (outcome) => {
    expect(decide({ ...base, outcome, attemptsMade: 1 })).toEqual({ action: 'retry', status: 'retrying', delayMs: 1_000 });
    expect(decide({ ...base, outcome, attemptsMade: 3 })).toEqual({ action: 'retry', status: 'retrying', delayMs: 60_000 });
    expect(decide({ ...base, outcome, attemptsMade: 4 })).toEqual({ action: 'dead', status: 'dead' });
  });

  it('honours Retry-After on 429 and 503 only, capped at the longest step', () => {
    expect(decide({ ...base, outcome: 'http_error', statusCode: 429, retryAfter: '7', attemptsMade: 1 })).toMatchObject({ delayMs: 7_000 });
    expect(decide({ ...base, outcome: 'http_error', statusCode: 503, retryAfter: '3600', attemptsMade: 1 })).toMatchObject({ delayMs: 60_000 });
    expect(decide({ ...base, outcome: 'http_error', statusCode: 500, retryAfter: '7', attemptsMade: 1 })).toMatchObject({ delayMs: 1_000 });
    // Never earlier than the schedule.
    expect(decide({ ...base, outcome: 'http_error', statusCode: 429, retryAfter: '0', attemptsMade: 2 })).toMatchObject({ delayMs: 10_000 });
  });

  it('an open circuit waits for the probe without spending an attempt, even after the last one', () => {
    expect(decide({ ...base, outcome: 'circuit_open', attemptsMade: 3, circuitWaitMs: 25_000 })).toEqual({ action: 'retry', status: 'retrying', delayMs: 25_000 });
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

  it("puts the event's forwarded headers below the endpoint's custom headers and the protocol's", () => {
    const req = buildWebhookRequest(
      {
        deliveryId: 'dlv_1', eventId: 'evt_1', tenantId: 'ten_1', endpointId: 'ep_1', type: 'push', data: {},
        eventCreatedAt: '2026-01-01T00:00:00.000Z', attempt: 0,
        headers: { 'x-github-event': 'push', 'x-shared': 'from the event', 'webhook-id': 'spoof', 'content-type': 'text/plain' },
      },
      { secrets: [generateSecret()], headers: { 'X-Shared': 'from the endpoint' } },
      { nowSeconds: 1, userAgent: 'Hookline/test' },
    );
    expect(req.headers).toMatchObject({ 'x-github-event': 'push', 'x-shared': 'from the endpoint', 'webhook-id': 'evt_1', 'content-type': 'application/json' });
  });
});
