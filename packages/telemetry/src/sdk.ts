import { NodeSDK } from '@opentelemetry/sdk-node';

/** A started telemetry SDK, or nothing when `OTEL_SDK_DISABLED=true`. */
export interface Telemetry {
  shutdown(): Promise<void>;
}

/**
 * Starts the OpenTelemetry Node SDK for traces. The exporter (OTLP by default, through a BatchSpanProcessor),
 * its endpoint, the sampler (`OTEL_TRACES_SAMPLER`, `OTEL_TRACES_SAMPLER_ARG`) and the propagators (W3C trace
 * context) come from the standard `OTEL_*` variables the SDK reads itself; `OTEL_SDK_DISABLED=true` turns it
 * off. Metrics are Prometheus (`/metrics`) and logs are pino on stdout, so the SDK exports neither.
 * Call before the service's other modules load.
 */
export function startTelemetry(opts: { serviceName: string; disabled: boolean }): Telemetry {
  if (opts.disabled) return { shutdown: async () => {} };
  const sdk = new NodeSDK({ serviceName: opts.serviceName, metricReaders: [], logRecordProcessors: [] });
  sdk.start();
  return { shutdown: () => sdk.shutdown().catch(() => {}) };
}
