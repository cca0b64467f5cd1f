import type { Logger } from 'pino';

/**
 * Stops the service once on SIGTERM or SIGINT: `stop()` must finish in-flight work, commit and disconnect.
 * If it takes longer than `timeoutMs` the process exits anyway (non-zero), so an orchestrator never waits forever.
 */
export function stopOnSignals(stop: () => Promise<void>, opts: { timeoutMs: number; log: Logger }): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    opts.log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      opts.log.error({ timeout_ms: opts.timeoutMs }, 'shutdown timed out; exiting');
      process.exit(1);
    }, opts.timeoutMs);
    timer.unref();
    stop().then(
      () => {
        opts.log.info('stopped cleanly');
        process.exit(0);
      },
      (err: unknown) => {
        opts.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

/** Prints configuration problems (or any start-up failure) and exits before anything was opened. */
export function exitOnStartupError(err: unknown): never {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
}
