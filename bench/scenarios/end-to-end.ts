import { round, summarize } from '../lib/stats.ts';
import type { Rig } from '../lib/rig.ts';
import { ENDPOINT_TYPES, type Sizes } from '../sizes.ts';
import { endToEnd, PIPELINE_LAG, prime, saturate, withRig, type Measured, type Scenario, tenEndpoints } from './common.ts';


/** Single publishes at a fixed rate; latency from the publish request being sent to the receiver getting the webhook. */
async function latencyAt(rig: Rig, sizes: Sizes, rate: number): Promise<Measured> {
  const l = sizes.latency;
  await rig.receiver.call({ cmd: 'reset' });
  const load = await rig.load({
    mode: 'single', rate, concurrency: l.concurrency, durationMs: l.durationMs, maxEvents: Math.ceil((rate * l.durationMs) / 1000),
    types: ENDPOINT_TYPES, payloadBytes: sizes.payloadBytes, recordSends: true,
  });
  await rig.until(async () => (await rig.counts()).total >= load.accepted, l.drainMs);
  const { latencies, missing } = endToEnd(load.sends, await rig.arrivals());
  const s = summarize(latencies);
  return {
    metrics: {
      [`latency_${rate}_achieved_rate`]: round(load.eventsPerSecond),
      [`latency_${rate}_p50_ms`]: s.p50,
      [`latency_${rate}_p95_ms`]: s.p95,
      [`latency_${rate}_p99_ms`]: s.p99,
      [`latency_${rate}_max_ms`]: s.max,
      [`latency_${rate}_missing`]: missing,
    },
    details: { [`latency_${rate}`]: { publish: load.latency, late: load.late, failures: load.failures, accepted: load.accepted } },
  };
}

/**
 * Scenario 2 — end-to-end: ten endpoints (endpoint i subscribes to type `bench.e<i>`, so each event is one
 * delivery), 1 KiB payloads, every attempt persisted by the tracker. First publish → received latency at each fixed
 * rate (while the pipeline is otherwise idle), then deliveries/s at saturation.
 */
export const endToEndScenario: Scenario = (ctx, infra, sizes) =>
  withRig(ctx, infra, 'e2e', { services: ['ingest', 'dispatcher', 'tracker'], listeners: 10, endpoints: tenEndpoints, lag: PIPELINE_LAG, lagIntervalMs: sizes.lagIntervalMs }, async (rig) => {
    await prime(rig, ENDPOINT_TYPES);
    const metrics: Measured['metrics'] = {};
    const details: Record<string, unknown> = {};
    for (const [i, rate] of sizes.latency.rates.entries()) {
      const m = await latencyAt(rig, sizes, rate);
      Object.assign(metrics, m.metrics);
      Object.assign(details, m.details);
      // A rate the pipeline did not keep up with leaves a backlog that would be measured as the next rate's
      // latency: the higher rates are skipped (they can only be worse) and say so.
      if ((m.metrics[`latency_${rate}_missing`] ?? 0) > 0) {
        details.latencySkipped = { rates: sizes.latency.rates.slice(i + 1), because: `${rate}/s was not delivered within ${sizes.latency.drainMs} ms` };
        break;
      }
    }
    const sat = await saturate(rig, sizes, ENDPOINT_TYPES, { tracker: true });
    return { metrics: { ...sat.metrics, ...metrics }, details: { ...details, saturation: sat.details } };
  });

/**
 * Scenario 4 — isolation: scenario 2's saturation with endpoint 9 (10 % of events) hanging until the dispatcher's
 * delivery timeout. The healthy endpoints' deliveries/s are compared with theirs in scenario 2 of the same run.
 */
export const isolationScenario: Scenario = (ctx, infra, sizes) =>
  withRig(ctx, infra, 'isolation', { services: ['ingest', 'dispatcher', 'tracker'], listeners: 10, endpoints: tenEndpoints, lag: PIPELINE_LAG, lagIntervalMs: sizes.lagIntervalMs }, async (rig) => {
    await prime(rig, ENDPOINT_TYPES);
    await rig.receiverMode('hang', [9]);
    const sat = await saturate(rig, sizes, ENDPOINT_TYPES, { tracker: true });
    const perListener = sat.details!.perListenerPerSecond as number[];
    return {
      metrics: { ...sat.metrics, healthy_deliveries_per_s: round(perListener.slice(0, 9).reduce((a, b) => a + b, 0)) },
      details: { saturation: sat.details },
    };
  });

/** Deliveries/s of endpoints 0–8 in a scenario-2 run's saturation (the healthy set of scenario 4). */
export const healthyRateOf = (details: Record<string, unknown> | undefined): number | null => {
  const per = (details?.saturation as { perListenerPerSecond?: number[] } | undefined)?.perListenerPerSecond;
  return per ? round(per.slice(0, 9).reduce((a, b) => a + b, 0)) : null;
};
