import { recordHeaders, topicNames, type DeliveryRecord } from '@hookline/contracts';
import { describe, expect, it } from 'vitest';
import { attemptHandOff, retryRecords, type AttemptHandOffInput } from './handoff-records.ts';
import { tiersOf } from './retry-policy.ts';

const topics = topicNames('t');
const tiers = tiersOf([5_000, 300_000]);
const START = Date.UTC(2026, 0, 1);
const delivery: DeliveryRecord = {
  deliveryId: 'dlv_1',
  eventId: 'evt_1',
  tenantId: 'ten_1',
  endpointId: 'ep_1',
  type: 'order.created',
  data: { id: 1 },
  eventCreatedAt: new Date(START - 1_000).toISOString(),
  attempt: 1,
  notBefore: new Date(START).toISOString(),
};

function input(over: Partial<AttemptHandOffInput>): AttemptHandOffInput {
  return {
    attemptId: 'att_1',
    delivery,
    endpoint: { url: 'https://example.test/hook', applicationId: 'app_1' },
    outcome: 'succeeded',
    decision: { action: 'done', status: 'succeeded' },
    sent: { result: { kind: 'response', statusCode: 200 }, durationMs: 12, responseBody: 'ok' },
    requestHeaders: { 'webhook-id': 'dlv_1' },
    startedAtMs: START,
    attemptsMade: 2,
    nowMs: START + 20,
    ...over,
  };
}

const decode = (value: Buffer) => JSON.parse(value.toString()) as Record<string, unknown>;

describe('hand-off records', () => {
  it('a success hands on the attempt record only, keyed by delivery id', () => {
    const { attempt, records } = attemptHandOff(topics, tiers, input({}));
    expect(records.map((r) => r.topic)).toEqual(['t.attempts']);
    expect(records[0]!.messages[0]!.key).toBe('dlv_1');
    expect(attempt).toEqual({
      attemptId: 'att_1', deliveryId: 'dlv_1', eventId: 'evt_1', tenantId: 'ten_1', endpointId: 'ep_1', applicationId: 'app_1',
      attempt: 2, outcome: 'succeeded', status: 'succeeded', statusCode: 200, durationMs: 12, error: null, responseBody: 'ok',
      requestHeaders: { 'webhook-id': 'dlv_1' }, url: 'https://example.test/hook', startedAt: new Date(START).toISOString(), nextAttemptAt: null,
    });
    expect(decode(records[0]!.messages[0]!.value)).toEqual(attempt);
  });

  it('a retry adds the record of the tier that fits, due delayMs after the hand-off, counting the attempts made', () => {
    const { attempt, next, records } = attemptHandOff(
      topics,
      tiers,
      input({ outcome: 'http_error', decision: { action: 'retry', status: 'retrying', delayMs: 4_000 }, sent: { result: { kind: 'response', statusCode: 500 }, durationMs: 3, responseBody: null } }),
    );
    // Due when the retry record is, however long the attempt took (not startedAt + delayMs).
    expect(attempt.nextAttemptAt).toBe(new Date(START + 20 + 4_000).toISOString());
    expect(next.attempt).toBe(2);
    expect(records.map((r) => r.topic)).toEqual(['t.attempts', 't.retry.5s']);
    const retry = records[1]!.messages[0]!;
    expect(retry.key).toBe('ep_1');
    expect(retry.headers).toEqual({ [recordHeaders.notBefore]: String(START + 20 + 4_000) });
    expect(decode(retry.value)).toMatchObject({ attempt: 2, notBefore: new Date(START + 20 + 4_000).toISOString() });
  });

  it('a timed-out attempt shows its retry due after the timeout, when the retry record is', () => {
    const { attempt, records } = attemptHandOff(
      topics,
      tiers,
      input({ outcome: 'timeout', decision: { action: 'retry', status: 'retrying', delayMs: 4_000 }, sent: { result: { kind: 'timeout' }, durationMs: 5_000, responseBody: null }, nowMs: START + 5_003 }),
    );
    expect(attempt.nextAttemptAt).toBe(new Date(START + 9_003).toISOString());
    expect(Date.parse(attempt.nextAttemptAt!)).toBeGreaterThan(Date.parse(attempt.startedAt) + attempt.durationMs);
    expect(records[1]!.messages[0]!.headers).toEqual({ [recordHeaders.notBefore]: String(START + 9_003) });
  });

  it('an open circuit is recorded as a skipped attempt and requeued without spending one', () => {
    const { attempt, next, records } = attemptHandOff(
      topics,
      tiers,
      input({ outcome: 'circuit_open', decision: { action: 'retry', status: 'retrying', delayMs: 60_000 }, sent: null, attemptsMade: 1 }),
    );
    expect(attempt).toMatchObject({ outcome: 'circuit_open', statusCode: null, durationMs: 0, error: 'circuit open: attempt skipped', responseBody: null });
    expect(next.attempt).toBe(1);
    expect(records.map((r) => r.topic)).toEqual(['t.attempts', 't.retry.5m']);
  });

  it('an exhausted schedule goes to the dead-letter topic with its reason, without notBefore', () => {
    const { attempt, records } = attemptHandOff(
      topics,
      tiers,
      input({ outcome: 'http_error', decision: { action: 'dead', status: 'dead' }, sent: { result: { kind: 'response', statusCode: 503 }, durationMs: 1, responseBody: null } }),
    );
    expect(attempt.status).toBe('dead');
    expect(records.map((r) => r.topic)).toEqual(['t.attempts', 't.dlq']);
    const dead = records[1]!.messages[0]!;
    expect(dead.headers).toEqual({ [recordHeaders.deadReason]: 'retries exhausted: http_error 503' });
    expect(decode(dead.value)).not.toHaveProperty('notBefore');
    expect(decode(dead.value)).toMatchObject({ attempt: 2 });
  });

  it('failures without a response carry their error text', () => {
    const timeout = attemptHandOff(topics, tiers, input({ outcome: 'timeout', decision: { action: 'dead', status: 'dead' }, sent: { result: { kind: 'timeout' }, durationMs: 5_000, responseBody: null } }));
    expect(timeout.attempt.error).toBe('timed out');
    expect(timeout.records[1]!.messages[0]!.headers).toEqual({ [recordHeaders.deadReason]: 'retries exhausted: timeout' });
    const refused = attemptHandOff(topics, tiers, input({ outcome: 'ssrf_blocked', decision: { action: 'done', status: 'failed' }, sent: { result: { kind: 'ssrf_blocked', message: 'private address' }, durationMs: 0, responseBody: null } }));
    expect(refused.attempt.error).toBe('private address');
    expect(refused.records).toHaveLength(1);
  });

  it('a rate-limited requeue is a retry-tier record alone', () => {
    const r = retryRecords(topics, tiers, delivery, 250, START);
    expect(r.topic).toBe('t.retry.5s');
    expect(r.messages[0]!.headers).toEqual({ [recordHeaders.notBefore]: String(START + 250) });
  });
});
