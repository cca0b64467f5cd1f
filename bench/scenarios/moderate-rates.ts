import { setTimeout as sleep } from 'node:timers/promises';
import { abortController } from '../lib/children.ts';
import { pgStatements } from '../lib/counters.ts';
import { meter } from '../lib/meter.ts';
import type { Rig } from '../lib/rig.ts';
import { round, summarize } from '../lib/stats.ts';
import { ENDPOINT_TYPES, warmupMs } from '../sizes.ts';
import { dumpLatencies, endToEnd, prime, withRig, type Scenario, tenEndpoints } from './common.ts';


/** Waits until the receiver has `expected` more deliveries than `before` and the tracker persisted as many attempts. */
async function settle(rig: Rig, before: { received: number; persisted: number }, expected: number): Promise<boolean> {
  const received = await rig.until(async () => (await rig.counts()).total - before.received >= expected, 300_000, 100);
  const persisted = await rig.until(async () => (await rig.persisted()) - before.persisted >= expected, 120_000, 250);
  return received && persisted;
}

/** The services' processes: one each, or one `services` process with `BENCH_SERVICES_RUN_AS=thread`. */
const SERVICES = ['ingest', 'dispatcher', 'tracker', 'services'];

/**
 * Scenario 10, the shape of issue 19: ten endpoints, one delivery per event, 1 KiB payloads, every attempt persisted,
 * single publishes through the API, the services with their defaults (info logs, tracing at its default sampling).
 * Measures the idle stack, then each fixed rate (publish → received p50/p99, whole-machine CPU per event from
 * /proc/stat, Kafka requests and SQL statements per event), then a drain of single publishes from many clients.
 */
export const moderateRatesScenario: Scenario = (ctx, infra, sizes) =>
  withRig(ctx, infra, 'moderate', { services: ['ingest', 'dispatcher', 'tracker'], listeners: 10, endpoints: tenEndpoints, lag: [], lagIntervalMs: 1_000 }, async (rig) => {
    const m = sizes.moderate;
    const signal = abortController.signal;
    const metrics: Record<string, number | null> = {};
    const details: Record<string, unknown> = {};
    await prime(rig, ENDPOINT_TYPES);
    await pgStatements(rig); // creates the extension's view before anything is measured

    await settle(rig, { received: 0, persisted: 0 }, ENDPOINT_TYPES.length);
    // Warm-up, not measured (in one run of a broker started 45 s before, its JIT compiler threads were 40–50 % of its
    // CPU at 100/s). BENCH_WARMUP_MS=0 measures cold.
    const warmMs = warmupMs(m.warmup.durationMs);
    if (warmMs > 0) {
      const before = { received: (await rig.counts()).total, persisted: await rig.persisted() };
      const events = Math.round((m.warmup.rate * warmMs) / 1000);
      const load = await rig.load({ mode: 'single', rate: m.warmup.rate, concurrency: 64, durationMs: warmMs + 30_000, maxEvents: events, types: ENDPOINT_TYPES, payloadBytes: sizes.payloadBytes, recordSends: false });
      details.warmup = { rate: m.warmup.rate, ms: warmMs, accepted: load.accepted, settled: await settle(rig, before, load.accepted) };
    }

    // Idle: nothing published; what the stack costs standing still.
    const idle = await meter(rig);
    await sleep(m.idleMs, undefined, { signal });
    const idleFigures = await idle.stop(1);
    metrics.idle_machine_cores = idleFigures.metrics.machine_cores!;
    metrics.idle_kafka_requests_per_s = round(((idleFigures.metrics.kafka_requests_per_event ?? 0) / (idleFigures.metrics.seconds ?? 1)), 1);
    const rss = rig.children.filter((c) => SERVICES.includes(c.name)).map((c) => c.sample()?.rssMiB ?? 0);
    metrics.idle_services_rss_mib = round(rss.reduce((a, b) => a + b, 0), 0);
    details.idle = { ...idleFigures.details, rssMiB: Object.fromEntries(rig.children.map((c) => [c.name, c.sample()?.rssMiB ?? null])) };

    for (const { rate, durationMs } of m.rates) {
      if (signal.aborted) break;
      const events = Math.round((rate * durationMs) / 1000);
      const before = { received: (await rig.counts()).total, persisted: await rig.persisted() };
      await rig.receiver.call({ cmd: 'reset' });
      before.received = 0;
      const run = await meter(rig);
      const load = await rig.load({ mode: 'single', rate, concurrency: Math.max(64, rate / 4), durationMs: durationMs + 30_000, maxEvents: events, types: ENDPOINT_TYPES, payloadBytes: sizes.payloadBytes, recordSends: true });
      const complete = await settle(rig, before, load.accepted);
      const figures = await run.stop(load.accepted);
      const result = endToEnd(load.sends, await rig.arrivals());
      const { latencies, missing } = result;
      const lat = summarize(latencies);
      const k = `r${rate}`;
      dumpLatencies(k, result);
      Object.assign(metrics, {
        [`${k}_achieved_per_s`]: round(load.eventsPerSecond),
        [`${k}_p50_ms`]: lat.p50,
        [`${k}_p99_ms`]: lat.p99,
        [`${k}_cpu_ms_per_event`]: figures.metrics.cpu_ms_per_event!,
        [`${k}_kafka_requests_per_event`]: figures.metrics.kafka_requests_per_event!,
        [`${k}_pg_statements_per_event`]: figures.metrics.pg_statements_per_event ?? null,
      });
      details[k] = { ...figures.details, accepted: load.accepted, missing, complete, publishFailures: load.failures, late: load.late, publishLatency: load.latency };
    }

    if (!signal.aborted) {
      const before = { received: 0, persisted: await rig.persisted() };
      await rig.receiver.call({ cmd: 'reset' });
      const run = await meter(rig);
      const t0 = Date.now();
      const load = await rig.load({ mode: 'single', concurrency: m.drainClients, durationMs: 300_000, maxEvents: m.drainEvents, types: ENDPOINT_TYPES, payloadBytes: sizes.payloadBytes, recordSends: false });
      const publishedS = (Date.now() - t0) / 1000;
      const complete = await settle(rig, before, load.accepted);
      const seconds = (Date.now() - t0) / 1000;
      const figures = await run.stop(load.accepted);
      Object.assign(metrics, {
        drain_deliveries_per_s: round(load.accepted / seconds),
        drain_publishes_per_s: round(load.accepted / publishedS),
        drain_cpu_ms_per_delivery: figures.metrics.cpu_ms_per_event!,
        drain_kafka_requests_per_event: figures.metrics.kafka_requests_per_event!,
        drain_pg_statements_per_event: figures.metrics.pg_statements_per_event ?? null,
      });
      details.drain = { ...figures.details, accepted: load.accepted, complete, publishFailures: load.failures, seconds: round(seconds, 1) };
    }
    // Each service's peak resident memory over the whole run (VmHWM: start-up, the rates and the drain).
    const services = rig.children.filter((c) => SERVICES.includes(c.name));
    const peaks = Object.fromEntries(services.map((c) => [c.name, c.sample()?.peakRssMiB ?? null]));
    metrics.peak_service_rss_mib = Math.max(0, ...Object.values(peaks).map((v) => v ?? 0));
    details.peakRssMiB = peaks;
    return { metrics, details };
  });
