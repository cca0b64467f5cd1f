/**
 * How long the broker may hold a fetch of the retry tiers. A retry record arriving ends the wait at once (one byte is
 * enough), so the wait only decides when a partition paused until its head is due is fetched again: the fetch lasts
 * until just after the earliest such head is due (`resumeMarginMs` later, so that the partition is resumed when the
 * next fetch is built), and `idleWaitMs` when none is paused. At least `minWaitMs`.
 */
export function retryFetchWaitMs(s: { nextResumeAt: number | undefined; now: number }, o: { idleWaitMs: number; minWaitMs: number; resumeMarginMs: number }): number {
  if (s.nextResumeAt === undefined) return o.idleWaitMs;
  return Math.min(o.idleWaitMs, Math.max(o.minWaitMs, s.nextResumeAt - s.now + o.resumeMarginMs));
}
