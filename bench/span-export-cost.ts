/**
 * What serializing spans for OTLP export costs: a batch of the BatchSpanProcessor's default size (512) of spans shaped
 * like the dispatcher's `process hookline.deliveries` spans (ten attributes), serialized by the exporters' own
 * serializers (OTLP protobuf, the default; OTLP JSON). Prints CPU µs per batch and per span, and the bytes.
 *
 *   node_modules/.bin/node bench/span-export-cost.ts [batches=100]
 */
import { createRequire } from 'node:module';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';

// The serializers of the OTLP exporter the services load (packages/telemetry's dependency, not one of Hookline's own).
const fromExporter = createRequire(createRequire(import.meta.url).resolve('@opentelemetry/exporter-trace-otlp-proto'));
type Serializer = { serializeRequest(spans: ReadableSpan[]): Uint8Array | undefined };
const { JsonTraceSerializer, ProtobufTraceSerializer } = fromExporter('@opentelemetry/otlp-transformer') as { JsonTraceSerializer: Serializer; ProtobufTraceSerializer: Serializer };

const batches = Math.max(10, Number(process.argv[2] ?? 100));
const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({
  resource: resourceFromAttributes({ 'service.name': 'dispatcher', 'host.name': 'bench', 'process.pid': process.pid }),
  spanProcessors: [new SimpleSpanProcessor({ exporter })],
});
const tracer = provider.getTracer('hookline-kafka');
for (let i = 0; i < 512; i++) {
  tracer
    .startSpan('process hookline.deliveries', {
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'process',
        'messaging.operation.name': 'process',
        'messaging.destination.name': 'hookline.deliveries',
        'messaging.destination.partition.id': String(i % 6),
        'messaging.kafka.offset': 100_000 + i,
        'hookline.event_id': `evt_${String(i).padStart(26, '0')}`,
        'hookline.endpoint_id': `ep_${String(i % 10).padStart(32, '0')}`,
        'hookline.tenant_id': 'ten_bench',
        'hookline.attempt': 1,
      },
    })
    .end();
}
const spans = exporter.getFinishedSpans();
const results: Record<string, { cpuUsPerBatch: number; cpuUsPerSpan: number; bytes: number }> = {};
for (const [name, serializer] of [['protobuf', ProtobufTraceSerializer], ['json', JsonTraceSerializer]] as const) {
  for (let i = 0; i < 20; i++) serializer.serializeRequest(spans); // warm-up
  const start = process.cpuUsage();
  let bytes = 0;
  for (let i = 0; i < batches; i++) bytes = serializer.serializeRequest(spans)?.length ?? 0;
  const used = process.cpuUsage(start);
  const perBatch = (used.user + used.system) / batches;
  results[name] = { cpuUsPerBatch: Math.round(perBatch), cpuUsPerSpan: Math.round((perBatch / spans.length) * 10) / 10, bytes };
}
console.log(JSON.stringify({ spans: spans.length, batches, node: process.version, ...results }));
