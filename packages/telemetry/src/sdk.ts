import { context, propagation, trace, type TextMapPropagator } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { defaultResource, detectResources, envDetector, hostDetector, osDetector, processDetector, resourceFromAttributes, serviceInstanceIdDetector } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ConsoleSpanExporter,
  ParentBasedSampler,
  SimpleSpanProcessor,
  TraceIdRatioBasedSampler,
  TracerProvider,
  type Sampler,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';
import { UnsampledChildrenProvider } from './unsampled-children.ts';

/** The OpenTelemetry sampler names of `OTEL_TRACES_SAMPLER`. */
export type SamplerName = 'always_on' | 'always_off' | 'traceidratio' | 'parentbased_always_on' | 'parentbased_always_off' | 'parentbased_traceidratio';
export type OtlpProtocol = 'http/protobuf' | 'http/json' | 'grpc';

/** Builds the sampler the standard variables name (validated by the service's configuration). */
export function samplerFor(name: SamplerName, ratio: number): Sampler {
  const root = name.endsWith('always_on') ? new AlwaysOnSampler() : name.endsWith('always_off') ? new AlwaysOffSampler() : new TraceIdRatioBasedSampler(ratio);
  return name.startsWith('parentbased_') ? new ParentBasedSampler({ root }) : root;
}

/** A started telemetry SDK, or nothing when `OTEL_SDK_DISABLED=true`. */
export interface Telemetry {
  shutdown(): Promise<void>;
}

export interface TelemetryOptions {
  serviceName: string;
  disabled: boolean;
  sampler: SamplerName;
  samplerRatio: number;
  /** `OTEL_TRACES_EXPORTER`: otlp, console; none (or nothing): no tracer provider. */
  exporters?: ReadonlyArray<'otlp' | 'console' | 'none'>;
  /** `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL` ?? `OTEL_EXPORTER_OTLP_PROTOCOL`. */
  protocol?: OtlpProtocol;
  /** `OTEL_PROPAGATORS`: tracecontext, baggage, none. */
  propagators?: ReadonlyArray<'tracecontext' | 'baggage' | 'none'>;
  /** The `BatchSpanProcessor`'s settings (`OTEL_BSP_*`); the SDK's defaults when absent. */
  batch?: { scheduledDelayMillis: number; maxExportBatchSize: number; maxQueueSize: number; exportTimeoutMillis: number };
}

/**
 * The OTLP exporter of one transport, loaded only when used: each pulls in its own serializer (protobuf, gRPC), and a
 * service keeps in memory whatever it loaded (issue 19: the whole Node SDK, with the log and metric SDKs and every
 * exporter, cost each service ~16 MiB of resident memory it never used). Endpoint, headers, compression and timeout
 * come from the standard `OTEL_EXPORTER_OTLP_*` variables, which the exporters read themselves.
 */
async function otlpExporter(protocol: OtlpProtocol): Promise<SpanExporter> {
  switch (protocol) {
    case 'grpc':
      return new (await import('@opentelemetry/exporter-trace-otlp-grpc')).OTLPTraceExporter();
    case 'http/json':
      return new (await import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter();
    case 'http/protobuf':
      return new (await import('@opentelemetry/exporter-trace-otlp-proto')).OTLPTraceExporter();
  }
}

function propagatorOf(names: ReadonlyArray<'tracecontext' | 'baggage' | 'none'>): TextMapPropagator | null {
  if (names.includes('none')) return null;
  const all = names.map((n) => (n === 'tracecontext' ? new W3CTraceContextPropagator() : new W3CBaggagePropagator()));
  return all.length === 1 ? all[0]! : new CompositePropagator({ propagators: all });
}

/**
 * Starts OpenTelemetry tracing as the Node SDK would with the same variables, with only what traces need: the
 * AsyncLocalStorage context manager, the propagators (`OTEL_PROPAGATORS`, W3C trace context and baggage by default),
 * a resource (service name; process, host, OS, instance id and `OTEL_RESOURCE_ATTRIBUTES`) and a tracer provider
 * whose sampled spans go to OTLP through a `BatchSpanProcessor` (`OTEL_BSP_*`, validated by the configuration, tune
 * it) or to the console. The sampler
 * comes from `OTEL_TRACES_SAMPLER`/`_ARG` as validated by the configuration (default: parent-based, 10 % of new
 * traces); `OTEL_SDK_DISABLED=true` turns it all off. Metrics are Prometheus (`/metrics`) and logs are pino on
 * stdout, so nothing else is exported. Call before the service's other modules load.
 */
export async function startTelemetry(opts: TelemetryOptions): Promise<Telemetry> {
  if (opts.disabled) return { shutdown: async () => {} };
  const manager = new AsyncLocalStorageContextManager();
  manager.enable();
  context.setGlobalContextManager(manager);
  const propagator = propagatorOf(opts.propagators ?? ['tracecontext', 'baggage']);
  if (propagator) propagation.setGlobalPropagator(propagator);

  const exporters = (opts.exporters ?? ['otlp']).filter((e) => e !== 'none');
  // "none" beside others is ignored, as the Node SDK does; "none" alone: no provider (spans are not recorded).
  if ((opts.exporters ?? []).length === 1 && opts.exporters![0] === 'none') return { shutdown: async () => {} };
  const processors: SpanProcessor[] = [];
  for (const name of exporters.length > 0 ? exporters : ['otlp' as const]) {
    processors.push(name === 'console' ? new SimpleSpanProcessor({ exporter: new ConsoleSpanExporter() }) : new BatchSpanProcessor({ exporter: await otlpExporter(opts.protocol ?? 'http/protobuf'), ...opts.batch }));
  }
  const resource = defaultResource()
    .merge(detectResources({ detectors: [serviceInstanceIdDetector, processDetector, hostDetector, osDetector, envDetector] }))
    .merge(resourceFromAttributes({ 'service.name': opts.serviceName }));
  const provider = new TracerProvider({ sampler: samplerFor(opts.sampler, opts.samplerRatio), resource, spanProcessors: processors });
  // A parent-based sampler never records a child of an unsampled parent: such children are the parent span itself.
  trace.setGlobalTracerProvider(opts.sampler.startsWith('parentbased_') ? new UnsampledChildrenProvider(provider) : provider);
  return { shutdown: () => provider.shutdown().catch(() => {}) };
}
