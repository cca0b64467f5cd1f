import {
  attemptRecord,
  deliveryRecord,
  encodeRecord,
  recordHeaders,
  type AttemptOutcome,
  type AttemptRecord,
  type DeliveryRecord,
  type TopicNames,
} from '@hookline/contracts';
import type { Decision, SendResult } from './outcome.ts';
import { tierFor, type RetryTier } from './retry-policy.ts';

/** One record as the producer sends it. */
export interface HandOffMessage {
  key: string;
  value: Buffer;
  headers?: Record<string, string>;
}

/** Records for one topic. */
export interface TopicRecords {
  topic: string;
  messages: HandOffMessage[];
}

/** What the send gave, when there was one (none when the circuit was open). */
export interface Sent {
  result: SendResult;
  durationMs: number;
  responseBody: string | null;
}

export interface AttemptFacts {
  attemptId: string;
  delivery: DeliveryRecord;
  /** The endpoint as it was attempted. */
  endpoint: { url: string; applicationId: string };
  outcome: AttemptOutcome;
  decision: Decision;
  sent: Sent | null;
  /** The request headers that may be recorded (no signatures, no secrets). */
  requestHeaders: Record<string, string>;
  startedAtMs: number;
}

/**
 * The attempt record the tracker keeps: one per attempt (and per skipped one: `circuit_open`). `nextAttemptAtMs`:
 * when its retry is due (null: none), the same moment as the retry record's `notBefore`.
 */
export function attemptOf(f: AttemptFacts, nextAttemptAtMs: number | null): AttemptRecord {
  const result = f.sent?.result;
  return {
    attemptId: f.attemptId,
    deliveryId: f.delivery.deliveryId,
    eventId: f.delivery.eventId,
    tenantId: f.delivery.tenantId,
    endpointId: f.delivery.endpointId,
    applicationId: f.delivery.applicationId ?? f.endpoint.applicationId,
    attempt: f.delivery.attempt + 1,
    outcome: f.outcome,
    status: f.decision.status,
    statusCode: statusCodeOf(result),
    durationMs: f.sent?.durationMs ?? 0,
    error: errorText(f.outcome, result),
    responseBody: f.sent?.responseBody ?? null,
    requestHeaders: f.requestHeaders,
    url: f.endpoint.url,
    startedAt: new Date(f.startedAtMs).toISOString(),
    nextAttemptAt: nextAttemptAtMs === null ? null : new Date(nextAttemptAtMs).toISOString(),
  };
}

/** The attempt record on the attempts topic, keyed by delivery id (one delivery's attempts in order). */
export function attemptRecords(topics: TopicNames, attempt: AttemptRecord): TopicRecords {
  return { topic: topics.attempts, messages: [{ key: attempt.deliveryId, value: encodeRecord(attemptRecord, attempt) }] };
}

/**
 * The delivery as a record of the retry tier that fits `delayMs`, due at `nowMs + delayMs` (the
 * `hookline-not-before` header and the value's `notBefore`), keyed by endpoint id.
 */
export function retryRecords(topics: TopicNames, tiers: readonly RetryTier[], delivery: DeliveryRecord, delayMs: number, nowMs: number): TopicRecords {
  const notBefore = nowMs + delayMs;
  const tier = tierFor(tiers, delayMs);
  const value = encodeRecord(deliveryRecord, { ...delivery, notBefore: new Date(notBefore).toISOString() });
  return { topic: topics.retry(tier.label), messages: [{ key: delivery.endpointId, value, headers: { [recordHeaders.notBefore]: String(notBefore) } }] };
}

/** The delivery on the dead-letter topic (without its `notBefore`), with why it died in `hookline-dead-reason`. */
export function deadLetterRecords(topics: TopicNames, delivery: DeliveryRecord, reason: string): TopicRecords {
  const { notBefore: _drop, ...rest } = delivery;
  return {
    topic: topics.deadLetter,
    messages: [{ key: delivery.endpointId, value: encodeRecord(deliveryRecord, rest), headers: { [recordHeaders.deadReason]: reason } }],
  };
}

/** Why a delivery went dead, e.g. `retries exhausted: http_error 500`. */
export function deadReason(outcome: AttemptOutcome, statusCode: number | null): string {
  return `retries exhausted: ${outcome}${statusCode ? ` ${statusCode}` : ''}`;
}

export interface AttemptHandOffInput extends AttemptFacts {
  /** Attempts made including this one (a skipped one spends none). */
  attemptsMade: number;
  /** When the records are handed on: a retry is due `delayMs` after it. */
  nowMs: number;
}

export interface AttemptHandOff {
  attempt: AttemptRecord;
  /** The delivery as the next stage sees it: `attempt` counts the attempts made (a skipped one spends none). */
  next: DeliveryRecord;
  /** The attempt record, then the retry-tier or dead-letter record the decision asks for. */
  records: TopicRecords[];
}

/**
 * Every record one attempt hands on, decided by `f.decision`: the attempt record always; a retry-tier record due
 * `delayMs` after `nowMs` for `retry`; a dead-letter record for `dead`; nothing more for `done`.
 */
export function attemptHandOff(
  topics: TopicNames,
  tiers: readonly RetryTier[],
  f: AttemptHandOffInput,
): AttemptHandOff {
  // A retry is due `delayMs` after the hand-off, not after the attempt started: a 5 s timeout must not show its
  // retry as due before the attempt ended.
  const attempt = attemptOf(f, f.decision.action === 'retry' ? f.nowMs + f.decision.delayMs : null);
  const next: DeliveryRecord = { ...f.delivery, attempt: f.attemptsMade };
  const records = [attemptRecords(topics, attempt)];
  if (f.decision.action === 'retry') records.push(retryRecords(topics, tiers, next, f.decision.delayMs, f.nowMs));
  if (f.decision.action === 'dead') records.push(deadLetterRecords(topics, next, deadReason(f.outcome, attempt.statusCode)));
  return { attempt, next, records };
}

function statusCodeOf(result: SendResult | undefined): number | null {
  return result?.kind === 'response' ? result.statusCode : null;
}

function errorText(outcome: AttemptOutcome, result: SendResult | undefined): string | null {
  if (outcome === 'circuit_open') return 'circuit open: attempt skipped';
  if (!result) return null;
  if (result.kind === 'timeout') return 'timed out';
  if (result.kind === 'network_error' || result.kind === 'ssrf_blocked') return result.message;
  return null;
}
