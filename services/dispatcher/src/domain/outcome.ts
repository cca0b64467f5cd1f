import type { AttemptOutcome, DeliveryStatus } from '@hookline/contracts';

/** What happened when we tried to send: a response with a status, or a failure before one arrived. */
export type SendResult =
  | { kind: 'response'; statusCode: number }
  | { kind: 'timeout' }
  | { kind: 'network_error'; message: string };

/** Maps the result of one HTTP attempt to the attempt outcome (decided here, in one place). */
export function outcomeOf(result: SendResult): AttemptOutcome {
  if (result.kind === 'timeout') return 'timeout';
  if (result.kind === 'network_error') return 'network_error';
  if (result.statusCode >= 200 && result.statusCode < 300) return 'succeeded';
  if (result.statusCode === 410) return 'gone';
  return 'http_error';
}

/**
 * The delivery's status after an attempt. Until retry tiers exist every failure is final (`failed`);
 * a 410 Gone ends the delivery too.
 */
export function statusAfter(outcome: AttemptOutcome): DeliveryStatus {
  return outcome === 'succeeded' ? 'succeeded' : 'failed';
}
