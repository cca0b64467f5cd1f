/**
 * Retry timing: the delay before the next attempt is `schedule[attemptsMade - 1]` ± jitter, never earlier than
 * a `Retry-After` the receiver asked for, which is itself capped at the schedule's longest step (svix
 * `calculate_retry_delay`). Pure: randomness and time come in as arguments.
 */

/** Jitter applied to each scheduled delay: ±20 %. */
export const JITTER = 0.2;

/** A retry tier: one topic per distinct schedule step, named by its delay (`5s`, `30m`, `250ms`). */
export interface RetryTier {
  label: string;
  delayMs: number;
}

const units: Array<[string, number]> = [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1_000]];

/** The shortest exact label of a duration: 300000 → `5m`, 1500 → `1500ms`. */
export function durationLabel(ms: number): string {
  for (const [unit, size] of units) if (ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}

/** The distinct tiers of a schedule, shortest first. */
export function tiersOf(schedule: readonly number[]): RetryTier[] {
  return [...new Set(schedule)].sort((a, b) => a - b).map((delayMs) => ({ label: durationLabel(delayMs), delayMs }));
}

/**
 * The tier a record waiting `delayMs` goes to: the tier nearest to the wait on a log scale (between 5 s and 5 min
 * the boundary is ~39 s). The retry-tier consumer pauses a tier's partition until its head record is due, so a record
 * due much later than the others in its tier holds back every record behind it, of every endpoint on that
 * partition. Nearest-on-a-log-scale keeps that hold-back under the boundary (~34 s in the 5 s tier) and keeps every
 * jittered schedule step (±20 %) in its own tier: the rule it replaces ("the longest tier not longer than the
 * wait") put a 5-minute retry jittered down to 4 min into the 5 s tier, which stopped the partition for 4 min.
 */
export function tierFor(tiers: readonly RetryTier[], delayMs: number): RetryTier {
  let i = 0;
  // Past the geometric mean of two neighbouring tiers, the longer one is nearer on a log scale.
  while (i + 1 < tiers.length && delayMs * delayMs > tiers[i]!.delayMs * tiers[i + 1]!.delayMs) i++;
  return tiers[i]!;
}

/** `base` ± 20 %, with `random` in [0, 1). */
export function withJitter(base: number, random: number): number {
  return Math.round(base * (1 - JITTER + 2 * JITTER * random));
}

/**
 * Milliseconds until the next attempt after `attemptsMade` attempts, or `null` when the schedule is
 * exhausted. A `Retry-After` (ms) is honoured up to the schedule's longest step.
 */
export function retryDelay(
  schedule: readonly number[],
  attemptsMade: number,
  opts: { random: number; retryAfterMs?: number | null },
): number | null {
  const base = schedule[attemptsMade - 1];
  if (base === undefined) return null;
  const jittered = withJitter(base, opts.random);
  const cap = Math.max(...schedule);
  const asked = opts.retryAfterMs == null ? 0 : Math.min(opts.retryAfterMs, cap);
  return Math.max(jittered, asked);
}

/**
 * Parses a `Retry-After` header (delta seconds or an HTTP date) into milliseconds from `nowMs`; `null` when
 * absent or unparseable.
 */
export function parseRetryAfter(value: string | undefined | null, nowMs: number): number | null {
  if (value == null) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1_000;
  const date = Date.parse(text);
  if (Number.isNaN(date) || !/[a-z]/i.test(text)) return null;
  return Math.max(0, date - nowMs);
}

/** The longest a record can legitimately wait in a retry tier: the longest step with its jitter. */
export function longestRetryWaitMs(schedule: readonly number[]): number {
  return Math.ceil(Math.max(...schedule) * (1 + JITTER));
}

/**
 * When a retry tier record is due (unix ms), or `null` for at once: its `hookline-not-before` header when that is a
 * plain number, else the value's `notBefore`. Never later than `longestWaitMs` after the record was produced: a
 * forged or corrupt header (ten years ahead, 1e30) would otherwise pause its partition — and every record behind
 * it — for good.
 */
export function retryDueAt(header: string | undefined, valueNotBefore: string | undefined, producedAtMs: number, longestWaitMs: number): number | null {
  const fromHeader = header !== undefined && /^\d{1,15}$/.test(header) ? Number(header) : undefined;
  const due = fromHeader ?? (valueNotBefore === undefined ? Number.NaN : Date.parse(valueNotBefore));
  if (!Number.isFinite(due)) return null;
  return Number.isFinite(producedAtMs) ? Math.min(due, producedAtMs + longestWaitMs) : due;
}
