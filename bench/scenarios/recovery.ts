import { setTimeout as sleep } from 'node:timers/promises';
import { round } from '../lib/stats.ts';
import { ENDPOINT_TYPES } from '../sizes.ts';
import { PIPELINE_LAG, prime, withRig, type Scenario } from './common.ts';

/**
 * Scenario 6 — recovery: with the receiver down (its listeners closed: connections refused), a backlog of
 * `sizes.recovery.deliveries` deliveries is published (one per event, ten endpoints) and the pipeline works through
 * it as far as it can (fan-out and delivery lag reach 0: the rest waits in retry tiers). Then the receiver comes back up
 * and the time until it has got every one of them is measured. The wait ends early, as "stalled", when nothing
 * arrives for `stallMs` while the delivery group has no lag left (nothing more will come). Deliveries whose next attempt
 * the retry schedule puts beyond the stall window (`held_by_schedule`) are counted apart and not waited for.
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
      // 200 × ~1 KiB stays under ingest's default MAX_PAYLOAD_BYTES (256 KiB).
      mode: 'batch', batchSize: 200, concurrency: 4, durationMs: 600_000, maxEvents: r.deliveries,
      types: ENDPOINT_TYPES, payloadBytes: sizes.payloadBytes, recordSends: false,
    }, 660_000);
    if (load.accepted < r.deliveries) throw new Error(`backlog: ${load.accepted} of ${r.deliveries} events accepted (${JSON.stringify(load.failures)})`);
    // The outage lasts until the pipeline has done all it can without the receiver: fan-out and delivery caught
    // up (what is left waits in retry tiers, or was given up on). Two lag samples first, so none predates the backlog.
    await sleep(2 * sizes.lagIntervalMs + 100);
    const downSince = Date.now();
    await rig.until(async () => rig.latestLag()[0] === 0 && rig.latestLag()[1] === 0, r.drainMs, 500);
    const downSeconds = round((Date.now() - downSince) / 1000, 2);
    const attemptsWhileDown = await rig.query<{ outcome: string; n: number }>('SELECT outcome, count(*)::int AS n FROM attempts GROUP BY outcome');
    const lagAtUp = rig.latestLag();
    await rig.receiverMode('ok');
    const up = Date.now();
    rig.windowStart();
    let lastTotal = 0;
    let lastProgress = Date.now();
    let stalled = false;
    let held = 0;
    const drained = await rig.until(async () => {
      const c = await rig.counts();
      if (c.total > lastTotal) {
        lastTotal = c.total;
        lastProgress = Date.now();
      }
      // A delivery that was a half-open probe twice while the receiver was down has its next attempt a whole schedule
      // step later (5 min by default): held by RETRY_SCHEDULE, not stuck. Counted apart, not waited for.
      if (c.total + held < load.accepted && Date.now() - lastProgress > 5_000) {
        held = (await rig.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM deliveries WHERE status = 'retrying' AND next_attempt_at > now() + interval '${Math.round(r.stallMs / 1000)} seconds'`,
        ))[0]?.n ?? 0;
      }
      if (c.total + held >= load.accepted) return true;
      const deliverLag = rig.latestLag()[1] ?? Number.NaN;
      stalled = Date.now() - lastProgress > r.stallMs && deliverLag === 0;
      return stalled;
    }, r.drainMs, 500);
    const complete = drained && !stalled;
    // Drained: when the last delivery arrived (not when the harness noticed nothing else was due).
    const seconds = ((complete ? lastProgress : Date.now()) - up) / 1000;
    rig.windowEnd();
    return {
      metrics: {
        backlog_deliveries: load.accepted,
        drained: complete ? 1 : 0,
        time_to_drain_s: complete ? round(seconds, 2) : null,
        received_after_up: lastTotal,
        held_by_schedule: held,
        drain_deliveries_per_s: complete ? round(lastTotal / seconds) : null,
      },
      details: { stalled, downSecondsAfterPublish: downSeconds, waitedSeconds: round(seconds, 2), lagAtUp, attemptsWhileDown, publish: load.latency, failures: load.failures },
    };
  });
};
