import { round } from '../lib/stats.ts';
import { withRig, type Scenario } from './common.ts';

/**
 * Scenario 1 — ingest alone: events/s accepted through `POST /v1/events` (closed loop, concurrent keep-alive
 * clients) and through `POST /v1/events/batch`, request latency p50/p95/p99 in both; then single publishes at half
 * the measured single-publish throughput, for the latency below saturation.
 */
export const ingestScenario: Scenario = (ctx, infra, sizes) =>
  withRig(ctx, infra, 'ingest', { services: ['ingest'], listeners: 0, endpoints: () => [], lag: [], lagIntervalMs: sizes.lagIntervalMs }, async (rig) => {
    const s = sizes.ingest;
    const common = { durationMs: s.durationMs, maxEvents: 10_000_000, types: ['bench.ingest'], payloadBytes: sizes.payloadBytes, recordSends: false };
    rig.windowStart();
    const single = await rig.load({ ...common, mode: 'single', concurrency: s.concurrency });
    const batch = await rig.load({ ...common, mode: 'batch', concurrency: s.batchConcurrency, batchSize: s.batchSize });
    const belowRate = Math.max(10, Math.floor(single.eventsPerSecond / 2));
    const below = await rig.load({ ...common, mode: 'single', concurrency: s.concurrency, rate: belowRate });
    rig.windowEnd();
    const failed = (r: { failures: Record<string, number> }) => Object.values(r.failures).reduce((a, b) => a + b, 0);
    return {
      metrics: {
        single_events_per_s: round(single.eventsPerSecond),
        single_p50_ms: single.latency.p50,
        single_p95_ms: single.latency.p95,
        single_p99_ms: single.latency.p99,
        batch_events_per_s: round(batch.eventsPerSecond),
        batch_request_p50_ms: batch.latency.p50,
        batch_request_p99_ms: batch.latency.p99,
        below_saturation_rate: belowRate,
        below_saturation_p50_ms: below.latency.p50,
        below_saturation_p95_ms: below.latency.p95,
        below_saturation_p99_ms: below.latency.p99,
        failed_events: failed(single) + failed(batch) + failed(below),
      },
      details: {
        single: { ...single, sends: undefined },
        batch: { ...batch, sends: undefined },
        belowSaturation: { ...below, sends: undefined },
      },
    };
  });
