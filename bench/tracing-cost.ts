/**
 * What tracing costs one consumed record's hop through a service, as the dispatcher and the tracker trace it: the
 * record's trace context read from its headers, a `process <topic>` CONSUMER span, inside it a `send <topic>`
 * PRODUCER span whose context goes into the produced record's headers, both ended. Measured with the services' own
 * SDK setup (`startTelemetry`: parent-based sampler, batch span processor, OTLP/protobuf to the bench's stand-in
 * collector in its own process, whose CPU is not counted), for records whose trace is not sampled (nine in ten with
 * the default 10 %), records whose trace is, and with tracing off (`OTEL_SDK_DISABLED=true`: the API's no-ops).
 *
 *   node_modules/.bin/node bench/tracing-cost.ts [hops=20000]
 *
 * Prints one JSON line: this process's CPU (user + system, so the exporter's serialising and sending counts) per hop
 * in µs, median of 5 rounds. The three modes run in one process in the order off, not sampled, sampled (the SDK,
 * once started, stays). Hops run 100 at a time with the event loop turning between, so the exporter runs as it would.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { setImmediate as turn } from 'node:timers/promises';
import { context, trace } from '@opentelemetry/api';
import { headersFor, startProcessSpan, startProducerSpan } from '@hookline/kafka';
import { startTelemetry } from '@hookline/telemetry';
import { startOtlpSink } from './lib/otlp-sink.ts';

const hops = Math.max(2_000, Number(process.argv[2] ?? 20_000));
const TRACE = '0af7651916cd43dd8448eb211c80319c';
const recordOf = (flags: '00' | '01', i: number) => ({
  key: Buffer.from(`ep_${i % 10}`),
  value: null,
  timestamp: '0',
  attributes: 0,
  offset: String(i),
  headers: {
    traceparent: Buffer.from(`00-${TRACE}-${(0x1000_0000_0000_0000n + BigInt(i)).toString(16)}-${flags}`),
    'hookline-event-id': Buffer.from(`evt_${i}`),
    'hookline-tenant-id': Buffer.from('tenant_1'),
    'content-type': Buffer.from('application/json'),
  },
});

/** One hop: read the record's context, process it in a CONSUMER span, produce one record in a PRODUCER span. */
function hop(message: ReturnType<typeof recordOf>): unknown {
  const span = startProcessSpan({ topic: 'hookline.events', partition: 0, message, groupId: 'hookline-dispatcher' });
  const headers = context.with(trace.setSpan(context.active(), span), () => {
    const send = startProducerSpan('hookline.deliveries', { 'messaging.batch.message_count': 1 });
    const out = headersFor(send, message.headers, { 'hookline-event-id': 'evt' });
    send.end();
    return out;
  });
  span.end();
  return headers;
}

async function perHop(flags: '00' | '01', recording: boolean): Promise<number> {
  const records = Array.from({ length: 1_000 }, (_, i) => recordOf(flags, i));
  const probe = startProcessSpan({ topic: 'hookline.events', partition: 0, message: records[0]! });
  const recorded = probe.isRecording();
  probe.end();
  if (recorded !== recording) throw new Error(`a hop's span ${recording ? 'does not record' : 'records'} in this mode; the measurement would be wrong`);
  const run = async (n: number) => {
    for (let i = 0; i < n; i += 100) {
      for (let j = 0; j < 100; j++) hop(records[(i + j) % records.length]!);
      await turn();
    }
  };
  await run(2_000); // warm-up: JIT, the exporter's first connection
  const rounds: number[] = [];
  for (let r = 0; r < 5; r++) {
    const before = process.cpuUsage();
    await run(hops);
    const used = process.cpuUsage(before);
    rounds.push((used.user + used.system) / hops);
  }
  return rounds.sort((a, b) => a - b)[2]!;
}

const { sink, endpoint } = await startOtlpSink(mkdtempSync(join(os.tmpdir(), 'hookline-tracing-cost-')));
try {
  process.env.OTEL_EXPORTER_OTLP_ENDPOINT = endpoint;
  const off = await perHop('01', false);
  const telemetry = await startTelemetry({ serviceName: 'tracing-cost', disabled: false, sampler: 'parentbased_traceidratio', samplerRatio: 0.1 });
  const notSampled = await perHop('00', false);
  const sampled = await perHop('01', true);
  await telemetry.shutdown();
  const round = (us: number) => Math.round(us * 100) / 100;
  console.log(JSON.stringify({
    hops,
    node: process.version,
    cpuUsPerHop: { tracingOff: round(off), notSampled: round(notSampled), sampled: round(sampled) },
    // With the default 10 %: nine hops in ten not sampled, one sampled, over the hop with tracing off.
    defaultSamplingOverOffUs: round(0.9 * notSampled + 0.1 * sampled - off),
  }));
} finally {
  await sink.stop();
}
