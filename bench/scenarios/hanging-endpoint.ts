import { meter } from '../lib/meter.ts';
import { round, summarize } from '../lib/stats.ts';
import type { Rig } from '../lib/rig.ts';
import { ENDPOINT_TYPES, warmupMs } from '../sizes.ts';
import { dumpLatencies, endToEnd, prime, withRig, type Scenario, tenEndpoints } from './common.ts';


/**
 * Single publishes at `rate` for `durationMs`; publish → received p50/p99 of the deliveries to endpoints 0–8, and what
 * the stretch cost (whole-machine CPU, Kafka requests and SQL statements per event published, until endpoints 0–8 have all of theirs).
 */
async function healthyLatency(rig: Rig, rate: number, durationMs: number, payloadBytes: number, phase: string) {
  await rig.receiver.call({ cmd: 'reset' });
  const cost = await meter(rig);
  const events = Math.round((rate * durationMs) / 1000);
  const load = await rig.load({ mode: 'single', rate, concurrency: 64, durationMs: durationMs + 30_000, maxEvents: events, types: ENDPOINT_TYPES, payloadBytes, recordSends: true });
  // The load generator gives event n the type bench.e<n mod 10>, and endpoint i subscribes to bench.e<i> only.
  const healthyExpected = load.accepted - Math.floor(load.accepted / 10);
  const healthy = async () => (await rig.counts()).perListener.slice(0, 9).reduce((a, b) => a + b, 0);
  await rig.until(async () => (await healthy()) >= healthyExpected, 120_000, 100);
  const figures = await cost.stop(load.accepted);
  const result = endToEnd(load.sends, (await rig.arrivals()).slice(0, 9));
  dumpLatencies(phase, result);
  const { latencies } = result;
  const lat = summarize(latencies);
  return { p50: lat.p50, p99: lat.p99, delivered: latencies.length, accepted: load.accepted, healthyExpected, cost: figures.metrics, costDetails: figures.details };
}

/**
 * Scenario 11, issue 19's isolation goal: ten endpoints, one delivery per event, 1 KiB payloads, single publishes at a
 * fixed rate (200/s full), after a warm-up at that rate. The healthy endpoints' (0–8) publish → received p50/p99 first with none hanging, then while
 * endpoint 9 (a tenth of the events) answers nothing until the dispatcher's delivery timeout — its breaker opening
 * after its failures, as a real outage would go. `healthy_p99_ratio`: hanging ÷ none hanging (goal ≤ 1.1).
 */
export const hangingEndpointScenario: Scenario = (ctx, infra, sizes) => {
  // BENCH_HANGING_MODE=down: endpoint 9 refuses connections instead of hanging — failing fast, holding nothing.
  // Checked before anything starts.
  const failing = process.env.BENCH_HANGING_MODE ?? 'hang';
  if (failing !== 'hang' && failing !== 'down') {
    return Promise.reject(new Error(`BENCH_HANGING_MODE must be hang (the default) or down, not ${JSON.stringify(failing)}`));
  }
  return withRig(ctx, infra, 'hanging', { services: ['ingest', 'dispatcher', 'tracker'], listeners: 10, endpoints: tenEndpoints, lag: [], lagIntervalMs: 1_000 }, async (rig) => {
    const { rate, durationMs } = sizes.hanging;
    await prime(rig, ENDPOINT_TYPES);
    // Warm-up at the same rate, not measured (BENCH_WARMUP_MS sets its length, 0: none).
    const warmMs = warmupMs(sizes.hanging.warmupMs);
    if (warmMs > 0) await healthyLatency(rig, rate, warmMs, sizes.payloadBytes, 'warmup');
    const none = await healthyLatency(rig, rate, durationMs, sizes.payloadBytes, 'none-hanging');
    // BENCH_HANGING_CONTROL=true: the second phase with none hanging either — how far a second phase alone moves the figures.
    const control = process.env.BENCH_HANGING_CONTROL === 'true';
    if (!control) await rig.receiverMode(failing, [9]);
    const hanging = await healthyLatency(rig, rate, durationMs, sizes.payloadBytes, control ? 'control' : 'hanging');
    if (!control) await rig.receiverMode('ok', [9]);
    return {
      metrics: {
        rate,
        ...(control ? { control: 1 } : failing === 'down' ? { endpoint_down: 1 } : {}),
        none_hanging_p50_ms: none.p50,
        none_hanging_p99_ms: none.p99,
        hanging_p50_ms: hanging.p50,
        hanging_p99_ms: hanging.p99,
        healthy_p99_ratio: none.p99 && hanging.p99 ? round(hanging.p99 / none.p99, 2) : null,
        none_hanging_cpu_ms_per_event: none.cost.cpu_ms_per_event ?? null,
        hanging_cpu_ms_per_event: hanging.cost.cpu_ms_per_event ?? null,
        none_hanging_kafka_requests_per_event: none.cost.kafka_requests_per_event ?? null,
        hanging_kafka_requests_per_event: hanging.cost.kafka_requests_per_event ?? null,
      },
      details: { none, hanging },
    };
  });
};
