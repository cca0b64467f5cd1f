import { NodeSDK } from '@opentelemetry/sdk-node';

/** A started telemetry SDK, or nothing when `OTEL_SDK_DISABLED=true`. */
export interface Telemetry {
  shutdown(): Promise<void>;
}

/**
 * Starts the OpenTelemetry Node SDK. Exporters, sampling and the OTLP endpoint come from the standard `OTEL_*`
 * variables the SDK reads itself; `OTEL_SDK_DISABLED=true` turns everything off. Call before anything else.
 */
export function startTelemetry(opts: { serviceName: string; disabled: boolean }): Telemetry {
  if (opts.disabled) return { shutdown: async () => {} };
  const sdk = new NodeSDK({ serviceName: opts.serviceName });
  sdk.start();
  return { shutdown: () => sdk.shutdown().catch(() => {}) };
}
