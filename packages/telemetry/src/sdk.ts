import { NodeSDK } from '@opentelemetry/sdk-node';
import { AlwaysOffSampler, AlwaysOnSampler, ParentBasedSampler, TraceIdRatioBasedSampler, type Sampler } from '@opentelemetry/sdk-trace';

/** The OpenTelemetry sampler names of `OTEL_TRACES_SAMPLER`. */
export type SamplerName = 'always_on' | 'always_off' | 'traceidratio' | 'parentbased_always_on' | 'parentbased_always_off' | 'parentbased_traceidratio';

/** Builds the sampler the standard variables name (validated by the service's configuration). */
export function samplerFor(name: SamplerName, ratio: number): Sampler {
  const root = name.endsWith('always_on') ? new AlwaysOnSampler() : name.endsWith('always_off') ? new AlwaysOffSampler() : new TraceIdRatioBasedSampler(ratio);
  return name.startsWith('parentbased_') ? new ParentBasedSampler({ root }) : root;
}

/** A started telemetry SDK, or nothing when `OTEL_SDK_DISABLED=true`. */
export interface Telemetry {
  shutdown(): Promise<void>;
}

/**
 * Starts the OpenTelemetry Node SDK for traces. The exporter (OTLP by default, through a BatchSpanProcessor),
 * its endpoint and the propagators (W3C trace context) come from the standard `OTEL_*` variables the SDK reads
 * itself; the sampler from `OTEL_TRACES_SAMPLER`/`OTEL_TRACES_SAMPLER_ARG` as validated by the configuration
 * (default: parent-based, 10 % of new traces); `OTEL_SDK_DISABLED=true` turns it
 * off. Metrics are Prometheus (`/metrics`) and logs are pino on stdout, so the SDK exports neither.
 * Call before the service's other modules load.
 */
export function startTelemetry(opts: { serviceName: string; disabled: boolean; sampler: SamplerName; samplerRatio: number }): Telemetry {
  if (opts.disabled) return { shutdown: async () => {} };
  const sdk = new NodeSDK({
    serviceName: opts.serviceName,
    sampler: samplerFor(opts.sampler, opts.samplerRatio),
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();
  return { shutdown: () => sdk.shutdown().catch(() => {}) };
}
