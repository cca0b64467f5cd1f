/**
 * Exponential backoff with full jitter, the one backoff of the house: attempt 0 waits up to `baseMs`, each next
 * attempt up to twice as long, never more than `maxMs`; the wait is drawn uniformly below that ceiling (at least
 * 1 ms), so clients failing together do not retry together. `random` is injectable for tests.
 */
export function backoffMs(attempt: number, opts: { baseMs: number; maxMs: number; random?: () => number }): number {
  const ceiling = Math.min(opts.maxMs, opts.baseMs * 2 ** Math.min(attempt, 30));
  return Math.max(1, Math.round(ceiling * (opts.random ?? Math.random)()));
}
