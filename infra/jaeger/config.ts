import type { JaegerPorts } from './paths.ts';

/**
 * Jaeger v2's configuration for a local all-in-one: OTLP receivers, in-memory storage, the query API and UI, all
 * on 127.0.0.1; no remote sampling, no Jaeger/Zipkin receivers and no self-metrics port, so two instances (a
 * developer's and a test's) can run side by side on their own ports.
 */
export function jaegerConfig(ports: JaegerPorts, maxTraces = 100_000): string {
  return `# Written by infra/jaeger/launcher.ts on each start.
service:
  extensions: [jaeger_storage, jaeger_query]
  pipelines:
    traces:
      receivers: [otlp]
      processors: [batch]
      exporters: [jaeger_storage_exporter]
  telemetry:
    resource:
      service.name: jaeger
    metrics:
      level: none
    logs:
      level: info

extensions:
  jaeger_query:
    storage:
      traces: memstore
    http:
      endpoint: 127.0.0.1:${ports.query}
    grpc:
      endpoint: 127.0.0.1:${ports.queryGrpc}
  jaeger_storage:
    backends:
      memstore:
        memory:
          max_traces: ${maxTraces}

receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 127.0.0.1:${ports.otlpGrpc}
      http:
        endpoint: 127.0.0.1:${ports.otlpHttp}

processors:
  batch:
    timeout: 200ms

exporters:
  jaeger_storage_exporter:
    trace_storage: memstore
`;
}
