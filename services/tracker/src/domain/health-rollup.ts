import { LATENCY_BUCKETS_MS, latencyBucket, type AttemptRecord } from '@hookline/contracts';

/** One endpoint's attempts within one minute: added onto `endpoint_health_minutes`. */
export interface MinuteRollup {
  endpointId: string;
  /** ISO start of the minute (UTC). */
  minute: string;
  attempts: number;
  successes: number;
  histogram: number[];
}

/** One endpoint's outcomes within a batch, merged into `endpoint_outcomes` (see the writer for the merge). */
export interface EndpointOutcomes {
  endpointId: string;
  lastSuccessAt: string | null;
  lastFailureAt: string | null;
  /** First failure after the batch's last success (or the first failure when the batch has no success). */
  failingSince: string | null;
}

/**
 * Attempts that say nothing about the endpoint's health: an open circuit is the dispatcher holding back, not
 * the endpoint answering.
 */
const counts = (a: AttemptRecord): boolean => a.outcome !== 'circuit_open';

/** Folds newly recorded attempts into per-minute rollups and per-endpoint outcomes, sorted by key (lock order). */
export function rollUp(attempts: readonly AttemptRecord[]): { minutes: MinuteRollup[]; endpoints: EndpointOutcomes[] } {
  const minutes = new Map<string, MinuteRollup>();
  const perEndpoint = new Map<string, { ok: number[]; failed: number[] }>();
  for (const a of attempts) {
    if (!counts(a)) continue;
    const at = Date.parse(a.startedAt);
    const minute = new Date(at - (at % 60_000)).toISOString();
    const key = `${a.endpointId}\u0000${minute}`;
    let m = minutes.get(key);
    if (!m) {
      m = { endpointId: a.endpointId, minute, attempts: 0, successes: 0, histogram: new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0) };
      minutes.set(key, m);
    }
    m.attempts++;
    const ok = a.outcome === 'succeeded';
    if (ok) m.successes++;
    m.histogram[latencyBucket(a.durationMs)]!++;
    let e = perEndpoint.get(a.endpointId);
    if (!e) perEndpoint.set(a.endpointId, (e = { ok: [], failed: [] }));
    (ok ? e.ok : e.failed).push(at);
  }
  const iso = (ms: number | undefined) => (ms === undefined || !Number.isFinite(ms) ? null : new Date(ms).toISOString());
  const endpoints = [...perEndpoint.entries()].map(([endpointId, { ok, failed }]) => {
    const lastSuccess = ok.length ? Math.max(...ok) : undefined;
    const after = lastSuccess === undefined ? failed : failed.filter((t) => t > lastSuccess);
    return {
      endpointId,
      lastSuccessAt: iso(lastSuccess),
      lastFailureAt: iso(failed.length ? Math.max(...failed) : undefined),
      failingSince: iso(after.length ? Math.min(...after) : undefined),
    };
  });
  const byKey = <T>(key: (t: T) => string) => (a: T, b: T) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
  return {
    minutes: [...minutes.values()].sort(byKey((m) => `${m.endpointId}\u0000${m.minute}`)),
    endpoints: endpoints.sort(byKey((e) => e.endpointId)),
  };
}
