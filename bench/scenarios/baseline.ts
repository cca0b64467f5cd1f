import { ENDPOINT_TYPES } from '../sizes.ts';
import { prime, saturate, withRig, type Scenario } from './common.ts';

/**
 * Scenario 3 — baseline: the same load as scenario 2's saturation (through the same ingest), delivered by the bare
 * kafkajs + undici relay of `procs/baseline.ts` instead of the dispatcher and tracker. Hookline's deliveries/s
 * divided by this run's is the figure that matters.
 */
export const baselineScenario: Scenario = (ctx, infra, sizes) =>
  withRig(ctx, infra, 'baseline', { services: ['ingest'], listeners: 10, endpoints: () => [], lag: [{ group: 'baseline', topic: 'events' }], lagIntervalMs: sizes.lagIntervalMs }, async (rig) => {
    const targets = Object.fromEntries(ENDPOINT_TYPES.map((type, i) => [type, `http://127.0.0.1:${rig.ports[i]}/hook`]));
    rig.startExtra('baseline', 'bench/procs/baseline.ts', {
      KAFKA_BROKERS: infra.kafkaBrokers,
      BASELINE_TOPIC: `${rig.world.prefix}.events`,
      BASELINE_GROUP: `${rig.world.prefix}.baseline`,
      BASELINE_TARGETS: JSON.stringify(targets),
      BASELINE_PARTITIONS: rig.services.env.TOPIC_PARTITIONS ?? '6',
    });
    await prime(rig, ENDPOINT_TYPES);
    return saturate(rig, sizes, ENDPOINT_TYPES, { tracker: false });
  });
