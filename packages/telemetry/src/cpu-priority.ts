import { getPriority, setPriority } from 'node:os';
import type { Logger } from './logger.ts';

/**
 * Lowers the CPU priority of the calling thread to the nice value `nice` (0–19; higher runs later), for work that
 * must not hold up others sharing the machine's cores. Never raises it (that needs privileges): a thread already
 * at `nice` or above keeps its value. On Linux a nice value is per thread, so this is the service's main thread
 * (its JavaScript; in a worker thread that thread) — V8's and libuv's helper threads, started before, keep theirs.
 * Returns the thread's nice value afterwards; a refusal is logged and leaves it as it was.
 */
export function lowerCpuPriority(nice: number, log: Pick<Logger, 'info' | 'warn'>): number {
  const before = getPriority();
  if (nice <= before) return before;
  try {
    setPriority(nice);
    log.info({ nice, was: before }, 'CPU priority lowered');
    return nice;
  } catch (err) {
    log.warn({ err, nice }, 'could not lower the CPU priority; running at the inherited one');
    return before;
  }
}
