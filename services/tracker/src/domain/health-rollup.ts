import { isSentAttempt, LATENCY_BUCKETS_MS, latencyBucket, type AttemptRecord } from '@hookline/contracts';

/**
 * One endpoint's attempts within one minute: added onto `endpoint_health_minutes`. These are statistics (the last
 * hour's attempts, success rate and latency on the health route), not health: the endpoint's state (failing since,
 * last success and failure, circuit) is the dispatcher's, in `endpoint_health`.
 */
export interface MinuteRollup {
  endpointId: string;
  /** ISO start of the minute (UTC). */
  minute: string;
  attempts: number;
  successes: number;
  histogram: number[];
}

/**
 * Folds newly recorded attempts into per-minute rollups, sorted by key (lock order). Only sent attempts count
 * (`isSentAttempt`): an open-circuit skip is the dispatcher holding back, not the endpoint answering.
 */
export function rollUp(attempts: readonly AttemptRecord[]): MinuteRollup[] {
  const minutes = new Map<string, MinuteRollup>();
  for (const a of attempts) {
    if (!isSentAttempt(a.outcome)) continue;
    const at = Date.parse(a.startedAt);
    const minute = new Date(at - (at % 60_000)).toISOString();
    const key = `${a.endpointId}\u0000${minute}`;
    let m = minutes.get(key);
    if (!m) {
      m = { endpointId: a.endpointId, minute, attempts: 0, successes: 0, histogram: new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0) };
      minutes.set(key, m);
    }
    m.attempts++;
    if (a.outcome === 'succeeded') m.successes++;
    m.histogram[latencyBucket(a.durationMs)]!++;
  }
  const keyOf = (m: MinuteRollup) => `${m.endpointId}\u0000${m.minute}`;
  return [...minutes.values()].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
}
