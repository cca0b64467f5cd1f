import type { AttemptOutcome } from './envelopes.ts';

/**
 * Outcomes of an attempt record that was not a request: the dispatcher skipped the endpoint. Today only
 * `circuit_open` (the endpoint's breaker was open, so nothing was sent).
 */
export const SKIPPED_OUTCOMES: readonly AttemptOutcome[] = ['circuit_open'];

/**
 * Whether an attempt record is a real attempt — one rule for every service (README "Attempts"):
 *
 * - **An attempt is a request that was sent** to the endpoint, whatever its answer (`succeeded`, `http_error`,
 *   `timeout`, `network_error`, `gone`) — or refused at connect time by the SSRF policy (`ssrf_blocked`), which is
 *   the endpoint's URL failing. Only these spend an attempt number (the retry budget), count in the endpoint's health
 *   (failing since, last success and failure, auto-disable, recovery), its statistics (attempts, success rate,
 *   latency) and a delivery's `attempts`.
 * - **A skip by the open breaker** (`circuit_open`) is recorded as an attempt row too, so a delivery's history says
 *   why it waited: it carries the number its next real attempt will use (spending none), status `retrying` and the
 *   time it will be tried again, and counts in none of the above (it is counted in the delivery-attempt metrics
 *   under its outcome).
 * - **Hookline's own pacing** (the endpoint's `rateLimitPerSecond` and `maxConcurrency`, applied before the breaker
 *   is asked) reschedules the delivery through a retry tier without any record: it is neither an attempt nor a
 *   decision about the endpoint's health (metric `hookline_deliveries_deferred_total{reason}`).
 */
export function isSentAttempt(outcome: AttemptOutcome): boolean {
  return !SKIPPED_OUTCOMES.includes(outcome);
}
