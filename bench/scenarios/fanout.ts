import { round, summarize } from '../lib/stats.ts';
import { PIPELINE_LAG, prime, withRig, type Scenario } from './common.ts';

/**
 * Scenario 5 — fan-out: every event goes to all of `sizes.fanout.endpoints` endpoints (50). Single publishes at a
 * fixed rate; deliveries/s from the first publish to the last arrival, latency to each delivery and to the last of
 * an event's deliveries.
 */
export const fanoutScenario: Scenario = (ctx, infra, sizes) => {
  const f = sizes.fanout;
  return withRig(ctx, infra, 'fanout', {
    services: ['ingest', 'dispatcher', 'tracker'], listeners: f.endpoints,
    endpoints: (ports) => ports.map((port) => ({ url: `http://127.0.0.1:${port}/hook`, eventTypes: [] })),
    lag: PIPELINE_LAG, lagIntervalMs: sizes.lagIntervalMs,
  }, async (rig) => {
    await prime(rig, ['bench.fanout']);
    await rig.until(async () => (await rig.counts()).total >= f.endpoints, 30_000);
    await rig.receiver.call({ cmd: 'reset' });
    rig.windowStart();
    const load = await rig.load({
      mode: 'single', rate: f.rate, concurrency: 64, durationMs: f.durationMs, maxEvents: Math.ceil((f.rate * f.durationMs) / 1000),
      types: ['bench.fanout'], payloadBytes: sizes.payloadBytes, recordSends: true,
    });
    const expected = load.accepted * f.endpoints;
    const drained = await rig.until(async () => (await rig.counts()).total >= expected, f.drainMs);
    rig.windowEnd();
    const arrivals = await rig.arrivals();
    const each: number[] = [];
    const complete: number[] = [];
    let lastArrival = 0;
    let missing = 0;
    for (const [id, sentAt] of load.sends) {
      let last = 0;
      let got = 0;
      for (const m of arrivals) {
        const at = m.get(id);
        if (at === undefined) continue;
        got++;
        each.push(at - sentAt);
        last = Math.max(last, at);
      }
      missing += f.endpoints - got;
      if (got === f.endpoints) complete.push(last - sentAt);
      lastArrival = Math.max(lastArrival, last);
    }
    const delivered = each.length;
    const e = summarize(each);
    const c = summarize(complete);
    return {
      metrics: {
        deliveries_per_s: lastArrival > 0 ? round((delivered * 1000) / (lastArrival - load.firstSentAt)) : 0,
        offered_deliveries_per_s: round(load.eventsPerSecond * f.endpoints),
        delivery_p50_ms: e.p50, delivery_p99_ms: e.p99,
        fanout_complete_p50_ms: c.p50, fanout_complete_p99_ms: c.p99, fanout_complete_max_ms: c.max,
        missing_deliveries: missing,
        drained: drained ? 1 : 0,
      },
      details: { events: load.accepted, expected, delivered, publish: load.latency, failures: load.failures },
    };
  });
};
