import { round } from '../lib/stats.ts';
import { ENDPOINT_TYPES } from '../sizes.ts';
import { PIPELINE_LAG, prime, withRig, type Scenario } from './common.ts';

/**
 * Scenario 6 — recovery: with the receiver down (its listeners closed: connections refused), a backlog of
 * `sizes.recovery.deliveries` deliveries is published (one per event, ten endpoints). Then the receiver comes back up
 * and the time until it has got every one of them is measured. The wait ends early, as "stalled", when nothing
 * arrives for `stallMs` while the delivery group has no lag left (nothing more will come).
 */
export const recoveryScenario: Scenario = (ctx, infra, sizes) => {
  const r = sizes.recovery;
  return withRig(ctx, infra, 'recovery', {
    services: ['ingest', 'dispatcher', 'tracker'], listeners: 10,
    endpoints: (ports) => ports.map((port, i) => ({ url: `http://127.0.0.1:${port}/hook`, eventTypes: [ENDPOINT_TYPES[i]!] })),
    lag: PIPELINE_LAG, lagIntervalMs: sizes.lagIntervalMs,
  }, async (rig) => {
    await prime(rig, ENDPOINT_TYPES);
    await rig.receiverMode('down');
    await rig.receiver.call({ cmd: 'reset' });
    const load = await rig.load({
      mode: 'batch', batchSize: 500, concurrency: 4, durationMs: 600_000, maxEvents: r.deliveries,
      types: ENDPOINT_TYPES, payloadBytes: sizes.payloadBytes, recordSends: false,
    }, 660_000);
    const attemptsWhileDown = await rig.query<{ outcome: string; n: number }>('SELECT outcome, count(*)::int AS n FROM attempts GROUP BY outcome');
    const lagAtUp = rig.latestLag();
    await rig.receiverMode('ok');
    const up = Date.now();
    rig.windowStart();
    let lastTotal = 0;
    let lastProgress = Date.now();
    let stalled = false;
    const drained = await rig.until(async () => {
      const c = await rig.counts();
      if (c.total > lastTotal) {
        lastTotal = c.total;
        lastProgress = Date.now();
      }
      const deliverLag = rig.latestLag()[1] ?? Number.NaN;
      stalled = Date.now() - lastProgress > r.stallMs && deliverLag === 0;
      return c.total >= load.accepted || stalled;
    }, r.drainMs, 500);
    const seconds = (Date.now() - up) / 1000;
    rig.windowEnd();
    const complete = drained && !stalled;
    return {
      metrics: {
        backlog_deliveries: load.accepted,
        drained: complete ? 1 : 0,
        time_to_drain_s: complete ? round(seconds, 2) : null,
        received_after_up: lastTotal,
        drain_deliveries_per_s: complete ? round(load.accepted / seconds) : null,
      },
      details: { stalled, waitedSeconds: round(seconds, 2), lagAtUp, attemptsWhileDown, publish: load.latency, failures: load.failures },
    };
  });
};
