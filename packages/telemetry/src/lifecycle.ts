import { isMainThread, parentPort } from 'node:worker_threads';
import type { Logger } from 'pino';

/** The named parts of the running stop not finished yet (per thread: a service in a worker thread has its own). */
const pendingSteps = new Map<string, number>();

/**
 * Names one part of a stop (a consumer draining, a pool closing) so that a stop which runs out of time says which
 * parts it was still waiting for. Returns `work` itself.
 */
export function shutdownStep<T>(name: string, work: Promise<T>): Promise<T> {
  pendingSteps.set(name, (pendingSteps.get(name) ?? 0) + 1);
  const done = () => {
    const n = (pendingSteps.get(name) ?? 1) - 1;
    if (n > 0) pendingSteps.set(name, n);
    else pendingSteps.delete(name);
  };
  work.then(done, done);
  return work;
}

/** The parts of the stop still running, in the order they were named. */
export function pendingShutdownSteps(): string[] {
  return [...pendingSteps.keys()];
}

/** What a host sends a service running in a worker thread to stop it (a thread gets no signals). */
export const STOP_MESSAGE = 'hookline:stop';

/**
 * Stops the service once on SIGTERM or SIGINT: `stop()` must finish in-flight work, commit and disconnect.
 * If it takes longer than `timeoutMs` the process exits anyway (non-zero), so an orchestrator never waits forever.
 * Returns a function that stops the service the same way because of a fatal fault; the exit code is then 1, so a
 * supervisor restarts it. In a worker thread (services run in one process) the host's {@link STOP_MESSAGE} stands for
 * SIGTERM, and exiting ends the thread.
 */
export function stopOnSignals(stop: () => Promise<void>, opts: { timeoutMs: number; log: Logger }): (reason: string) => void {
  let stopping = false;
  let exitCode = 0;
  const begin = (fields: Record<string, unknown>) => {
    if (stopping) return;
    stopping = true;
    opts.log.info(fields, 'shutting down');
    const timer = setTimeout(() => {
      opts.log.error({ timeout_ms: opts.timeoutMs, waiting_for: pendingShutdownSteps() }, 'shutdown timed out; exiting');
      process.exit(1);
    }, opts.timeoutMs);
    timer.unref();
    stop().then(
      () => {
        opts.log.info('stopped cleanly');
        process.exit(exitCode);
      },
      (err: unknown) => {
        opts.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', (signal) => begin({ signal }));
  process.on('SIGINT', (signal) => begin({ signal }));
  if (!isMainThread && parentPort) {
    const port = parentPort;
    port.on('message', (msg: unknown) => {
      if (msg === STOP_MESSAGE) begin({ signal: 'stop message' });
    });
    // Listening must not keep the thread alive on its own.
    port.unref();
  }
  return (reason) => {
    exitCode = 1;
    begin({ reason });
  };
}

/** Prints configuration problems (or any start-up failure) and exits before anything was opened. */
export function exitOnStartupError(err: unknown): never {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
}
