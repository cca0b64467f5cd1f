import { createLogger, type Logger } from './logger.ts';
import { releaseMemoryWhenIdle, type IdleMemoryRelease } from './idle-memory.ts';
import { exitOnStartupError, shutdownStep, stopOnSignals } from './lifecycle.ts';
import { startTelemetry, type OtlpProtocol, type SamplerName } from './sdk.ts';

/** The configuration every service has (from the shared fragments). */
export interface ServiceBaseConfig {
  OTEL_SERVICE_NAME?: string | undefined;
  OTEL_SDK_DISABLED: boolean;
  OTEL_TRACES_SAMPLER: SamplerName;
  OTEL_TRACES_SAMPLER_ARG: number;
  OTEL_TRACES_EXPORTER: Array<'otlp' | 'console' | 'none'>;
  OTEL_EXPORTER_OTLP_PROTOCOL: OtlpProtocol;
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL?: OtlpProtocol | undefined;
  OTEL_PROPAGATORS: Array<'tracecontext' | 'baggage' | 'none'>;
  OTEL_BSP_SCHEDULE_DELAY: number;
  OTEL_BSP_MAX_EXPORT_BATCH_SIZE: number;
  OTEL_BSP_MAX_QUEUE_SIZE: number;
  OTEL_BSP_EXPORT_TIMEOUT: number;
  LOG_LEVEL: string;
  LOG_FORMAT: 'json' | 'pretty';
  NO_COLOR?: string | undefined;
  SHUTDOWN_TIMEOUT_MS: number;
  /** Absent: off. */
  IDLE_MEMORY_RELEASE?: boolean;
}

/**
 * The body of every service's `main.ts`: validate the whole configuration (print every problem and exit before
 * opening anything), start OpenTelemetry before the app's modules load, start the app, stop it on SIGTERM/SIGINT
 * (exit 0) or when the app reports it `failed` (exit 1). With `IDLE_MEMORY_RELEASE`, memory a load grew is given back
 * when the service is idle (idle-memory.ts).
 */
export async function runService<C extends ServiceBaseConfig>(
  service: string,
  loadConfig: () => C,
  start: (config: C, log: Logger) => Promise<{ stop(): Promise<void>; failed?: Promise<Error> }>,
): Promise<void> {
  try {
    const config = loadConfig();
    const telemetry = await startTelemetry({
      serviceName: config.OTEL_SERVICE_NAME ?? `hookline-${service}`,
      disabled: config.OTEL_SDK_DISABLED,
      sampler: config.OTEL_TRACES_SAMPLER,
      samplerRatio: config.OTEL_TRACES_SAMPLER_ARG,
      exporters: config.OTEL_TRACES_EXPORTER,
      protocol: config.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? config.OTEL_EXPORTER_OTLP_PROTOCOL,
      propagators: config.OTEL_PROPAGATORS,
      batch: {
        scheduledDelayMillis: config.OTEL_BSP_SCHEDULE_DELAY,
        maxExportBatchSize: config.OTEL_BSP_MAX_EXPORT_BATCH_SIZE,
        maxQueueSize: config.OTEL_BSP_MAX_QUEUE_SIZE,
        exportTimeoutMillis: config.OTEL_BSP_EXPORT_TIMEOUT,
      },
    });
    const log = createLogger({ service, level: config.LOG_LEVEL, format: config.LOG_FORMAT, colour: !config.NO_COLOR });
    // Signals are handled from the start: a SIGTERM during start-up waits for it, then stops cleanly.
    const starting = start(config, log);
    let idleMemory: IdleMemoryRelease | undefined;
    const stopFatally = stopOnSignals(
      async () => {
        const app = await starting;
        idleMemory?.stop();
        await shutdownStep('app', app.stop());
        await shutdownStep('telemetry', telemetry.shutdown());
      },
      { timeoutMs: config.SHUTDOWN_TIMEOUT_MS, log },
    );
    const app = await starting;
    if (config.IDLE_MEMORY_RELEASE === true) idleMemory = releaseMemoryWhenIdle(log);
    // A part that stopped for good (a consumer kafkajs gave up on) stops the process, exit code 1: restarted by
    // whatever supervises it, rather than left running with nothing consuming.
    void app.failed?.then((err) => {
      log.error({ err }, 'a consumer stopped for good; stopping the service so that it is restarted');
      stopFatally('fatal: consumer stopped');
    });
  } catch (err) {
    exitOnStartupError(err);
  }
}
