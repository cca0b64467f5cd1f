import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import { isMainThread } from 'node:worker_threads';
import type { Logger } from './logger.ts';

/** How the service decides it is idle and has memory to give back (defaults in {@link IDLE_MEMORY_DEFAULTS}). */
export interface IdleMemoryOptions {
  /** How often the event loop's utilization and the resident set are read. */
  everyMs: number;
  /** Below this share of `everyMs` spent running JavaScript and callbacks, the service is idle. */
  idleUtilization: number;
  /** The memory watched ({@link ownMemoryBytes}) must have grown this much above its floor (the lowest seen since the last release). */
  growthBytes: number;
}

/**
 * Checked every 10 s; idle below 5 % of the event loop busy; 32 MiB above the floor for a process, 16 MiB for a worker
 * thread (its own heap and buffers, without Node's own pages and the C heaps that a process's resident set also
 * counts). V8 keeps the young generation a load grew and its freed pages for as long as the process lives when nothing
 * else makes it collect: an idle service held twice its fresh size after a load (bench/RESULTS.md, issue 19). In one
 * process after scenario 10's load a thread's own memory stood 29–49 MiB above its floor, and each release left it at
 * 28–38 MiB; the tracker, idle between its batches at 100 events/s, also collects every 10–20 s then (bench/RESULTS.md).
 */
export const IDLE_MEMORY_DEFAULTS: IdleMemoryOptions = { everyMs: 10_000, idleUtilization: 0.05, growthBytes: (isMainThread ? 32 : 16) * 1024 * 1024 };

/** Whether an idle service should give memory back now: idle over the last interval and grown past its floor. */
export function memoryReleaseDue(s: { utilization: number; memoryBytes: number; floorBytes: number }, o: Pick<IdleMemoryOptions, 'idleUtilization' | 'growthBytes'>): boolean {
  return s.utilization < o.idleUtilization && s.memoryBytes - s.floorBytes >= o.growthBytes;
}

/**
 * The memory a service's growth is measured on: its process's resident set, or in a worker thread (the services in
 * one process, `SERVICES_RUN_AS=thread`) its own isolate's — heap pages in memory and external buffers — because the
 * resident set is every thread's: the others' load made an idle thread collect again and again (bench/RESULTS.md).
 */
export function ownMemoryBytes(): number {
  if (isMainThread) return process.memoryUsage.rss();
  const heap = getHeapStatistics();
  return heap.total_physical_size + heap.external_memory;
}

/** Stops the checks. */
export interface IdleMemoryRelease {
  stop(): void;
}

/**
 * Gives memory back to the system once a service that grew under load has gone idle: a low-memory collection
 * (V8's `LowMemoryNotification`, reached through an in-process inspector session; no port is opened) shrinks the
 * young generation and returns freed pages. It blocks the event loop for tens of milliseconds, so it runs only when
 * the loop was idle for a whole interval, and once per growth: the floor is then the memory it left.
 */
export function releaseMemoryWhenIdle(log: Logger, options: IdleMemoryOptions = IDLE_MEMORY_DEFAULTS): IdleMemoryRelease {
  let last: EventLoopUtilization = performance.eventLoopUtilization();
  let floor = ownMemoryBytes();
  let releasing = false;
  const timer = setInterval(() => {
    const now = performance.eventLoopUtilization();
    const utilization = performance.eventLoopUtilization(now, last).utilization;
    last = now;
    const memoryBytes = ownMemoryBytes();
    floor = Math.min(floor, memoryBytes);
    if (releasing || !memoryReleaseDue({ utilization, memoryBytes, floorBytes: floor }, options)) return;
    releasing = true;
    const started = performance.now();
    const rssBefore = process.memoryUsage.rss();
    void lowMemoryCollection().then(
      () => {
        const after = ownMemoryBytes();
        floor = after;
        last = performance.eventLoopUtilization();
        const rss = { rss_before_mib: mib(rssBefore), rss_after_mib: mib(process.memoryUsage.rss()) };
        const thread = isMainThread ? {} : { thread_before_mib: mib(memoryBytes), thread_after_mib: mib(after) };
        log.info({ ...rss, ...thread, ms: Math.round(performance.now() - started) }, 'idle: memory given back to the system');
      },
      (err: unknown) => {
        // A Node built without the inspector, or a collection that failed: not tried again.
        clearInterval(timer);
        log.warn({ err }, 'idle: could not give memory back (low-memory collection failed); not trying again');
      },
    ).finally(() => {
      releasing = false;
    });
  }, options.everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

async function lowMemoryCollection(): Promise<void> {
  // Loaded when first needed: a Node built without the inspector has no such module, and then only this fails.
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  try {
    // The inspector's collectGarbage is the isolate's LowMemoryNotification: every available collection, the young
    // generation shrunk, pooled pages unmapped.
    await session.post('HeapProfiler.collectGarbage');
  } finally {
    session.disconnect();
  }
}

const mib = (bytes: number) => Math.round(bytes / 1_048_576);
