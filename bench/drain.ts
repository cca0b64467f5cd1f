/**
 * The profiling loop of issue 7's "make it fast" steps: N events (one delivery each, ten endpoints, 1 KiB) published
 * in batches as fast as ingest takes them, with the receiver up, and the time until every delivery arrived — the
 * pipeline's delivery throughput with nothing else running, and each process's CPU per delivery.
 *
 *   node bench/drain.ts [N=30000]                      # figures
 *   BENCH_CPU_PROF=/tmp/prof node bench/drain.ts       # plus V8 CPU profiles of the services
 *   BENCH_RATE=300 node bench/drain.ts 3000            # instead: single publishes at 300/s, publish → received latency
 *
 * `machine_cpu_s` is the whole machine's busy CPU time in the window (broker and PostgreSQL included).
 */
import { acquireInfra } from './lib/infra.ts';
import { startOtlpSink } from './lib/otlp-sink.ts';
import { endToEnd, PIPELINE_LAG, prime, withRig } from './scenarios/common.ts';
import { summarize } from './lib/stats.ts';
import { machineBusySeconds } from './lib/proc-stats.ts';
import { ENDPOINT_TYPES, SIZES } from './sizes.ts';
import os from 'node:os';
import { join } from 'node:path';

const N = Number(process.argv[2] ?? 30_000);

const RATE = Number(process.env.BENCH_RATE ?? 0);
const log = (m: string) => console.log(`[drain ${new Date().toISOString().slice(11, 19)}] ${m}`);
const infra = await acquireInfra(log);
const logDir = join(os.tmpdir(), `hookline-drain-${Date.now()}`);
const { sink, endpoint } = await startOtlpSink(logDir);
const res = await withRig({ logDir, otlpEndpoint: process.env.BENCH_OTLP === 'none' ? undefined : endpoint, log }, infra, 'drain', {
  services: ['ingest', 'dispatcher', 'tracker'], listeners: 10,
  endpoints: (ports) => ports.map((p, i) => ({ url: `http://127.0.0.1:${p}/hook`, eventTypes: [ENDPOINT_TYPES[i]!] })),
  lag: PIPELINE_LAG, lagIntervalMs: 1000,
}, async (rig) => {
  await prime(rig, ENDPOINT_TYPES);
  await rig.receiver.call({ cmd: 'reset' });
  const t0 = Date.now();
  rig.windowStart();
  const box0 = machineBusySeconds();
  const load = RATE
    ? await rig.load({ mode: 'single', rate: RATE, concurrency: 64, durationMs: 120_000, maxEvents: N, types: ENDPOINT_TYPES, payloadBytes: SIZES.full.payloadBytes, recordSends: true })
    : await rig.load({ mode: 'batch', batchSize: 200, concurrency: 4, durationMs: 120_000, maxEvents: N, types: ENDPOINT_TYPES, payloadBytes: SIZES.full.payloadBytes, recordSends: false });
  const published = (Date.now() - t0) / 1000;
  await rig.until(async () => (await rig.counts()).total >= load.accepted, 600_000, 200);
  const secs = (Date.now() - t0) / 1000;
  rig.windowEnd();
  const boxCpu = machineBusySeconds() - box0;
  const arrivals = RATE ? await rig.arrivals() : [];
  const latency = RATE ? summarize(endToEnd(load.sends, arrivals).latencies) : undefined;
  if (RATE) {
    // Publish → received p50 per second of sending: shows whether latency is a warm-up, a steady queue or a growing one.
    const bySecond = new Map<number, Array<[string, number]>>();
    for (const s of load.sends) {
      const sec = Math.floor((s[1] - load.sends[0]![1]) / 1000);
      const list = bySecond.get(sec);
      if (list) list.push(s);
      else bySecond.set(sec, [s]);
    }
    log(`p50 by second sent: ${[...bySecond].map(([, sends]) => Math.round(summarize(endToEnd(sends, arrivals).latencies).p50)).join(' ')}`);
  }
  return { metrics: { accepted: load.accepted, publish_s: published, drain_s: secs, per_s: Math.round(load.accepted / secs), machine_cpu_s: Math.round(boxCpu * 10) / 10, ...(latency ? { p50_ms: latency.p50, p95_ms: latency.p95, p99_ms: latency.p99, max_ms: latency.max } : {}) } };
});
log(JSON.stringify(res.metrics));
for (const [k, v] of Object.entries(res.processes)) log(`${k}: ${v.peakRssMiB} MiB, window CPU ${v.windowCpuSeconds} s (${((v.windowCpuSeconds ?? 0) * 1000 / N).toFixed(3)} ms/delivery)`);
await sink.stop();
await infra.release?.();
process.exit(0);
