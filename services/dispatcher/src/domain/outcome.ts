import type { AttemptOutcome, DeliveryStatus } from '@hookline/contracts';
import { parseRetryAfter, retryDelay } from './retry-policy.ts';

/** What happened when we tried to send: a response with a status, or a failure before one arrived. */
export type SendResult =
  | { kind: 'response'; statusCode: number; retryAfter?: string | undefined }
  /** A Kafka destination acknowledged the record (acks=all). */
  | { kind: 'produced' }
  /** Stored for a pull endpoint's consumer (GET /v1/endpoints/{id}/messages). */
  | { kind: 'stored' }
  | { kind: 'timeout' }
  | { kind: 'network_error'; message: string }
  | { kind: 'ssrf_blocked'; message: string };

/** Maps the result of one HTTP attempt to the attempt outcome. */
export function outcomeOf(result: SendResult): AttemptOutcome {
  if (result.kind === 'produced' || result.kind === 'stored') return 'succeeded';
  if (result.kind !== 'response') return result.kind;
  if (result.statusCode >= 200 && result.statusCode < 300) return 'succeeded';
  if (result.statusCode === 410) return 'gone';
  return 'http_error';
}

/**
 * The one decision after an attempt (or a skipped one): what becomes of the delivery.
 * - `done`: finished (succeeded, or ended by 410 Gone / an SSRF refusal) — commit.
 * - `retry`: hand to the retry tier that is due in `delayMs`; `spent` tells whether an attempt was used.
 * - `dead`: the schedule is exhausted — dead-letter topic, status `dead`.
 */
export type Decision =
  | { action: 'done'; status: DeliveryStatus; disableEndpoint?: 'gone' }
  | { action: 'retry'; status: 'retrying'; delayMs: number }
  | { action: 'dead'; status: 'dead' };

export interface DecisionInput {
  /** The attempt's outcome (`circuit_open` when the breaker refused to try). */
  outcome: AttemptOutcome;
  /** Attempts made including this one (unchanged for `circuit_open`, which spends none). */
  attemptsMade: number;
  schedule: readonly number[];
  /** The response's `Retry-After`, if any. */
  retryAfter?: string | undefined;
  /** How long the breaker stays open (for `circuit_open`). */
  circuitWaitMs?: number;
  statusCode?: number | null;
  nowMs: number;
  random: number;
}

/** Decides commit / retry tier / dead-letter for an attempt, in this one place (outpost `messagehandler.go`). */
export function decide(input: DecisionInput): Decision {
  const { outcome } = input;
  if (outcome === 'succeeded') return { action: 'done', status: 'succeeded' };
  if (outcome === 'gone') return { action: 'done', status: 'failed', disableEndpoint: 'gone' };
  // A refused target does not become acceptable by waiting: the delivery fails at once.
  if (outcome === 'ssrf_blocked') return { action: 'done', status: 'failed' };
  if (outcome === 'circuit_open') {
    // Not an attempt: wait for the breaker's half-open probe without spending the retry budget.
    return { action: 'retry', status: 'retrying', delayMs: Math.max(1, input.circuitWaitMs ?? input.schedule[0]!) };
  }
  const honoursRetryAfter = input.statusCode === 429 || input.statusCode === 503;
  const delay = retryDelay(input.schedule, input.attemptsMade, {
    random: input.random,
    retryAfterMs: honoursRetryAfter ? parseRetryAfter(input.retryAfter, input.nowMs) : null,
  });
  if (delay === null) return { action: 'dead', status: 'dead' };
  return { action: 'retry', status: 'retrying', delayMs: delay };
}
