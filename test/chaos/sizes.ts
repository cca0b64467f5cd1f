/** How big a chaos run is: the reduced size runs inside `npm test`, the full one with `npm run test:chaos`. */
export interface ChaosSize {
  name: 'reduced' | 'full';
  /** Events published (besides one warm-up event per tenant). */
  events: number;
  /** Events per batch publish and batches per second: the paced publishing rate. */
  batchSize: number;
  ratePerSecond: number;
  /** How long the network between one dispatcher and the broker is cut. */
  networkCutMs: number;
}

const sizes: Record<ChaosSize['name'], ChaosSize> = {
  reduced: { name: 'reduced', events: 1_000, batchSize: 25, ratePerSecond: 25, networkCutMs: 5_000 },
  full: { name: 'full', events: 20_000, batchSize: 50, ratePerSecond: 50, networkCutMs: 10_000 },
};

/** `CHAOS_SIZE=full` picks the full size; anything else (or nothing) the reduced one. */
export function chaosSize(name: string | undefined): ChaosSize {
  return name === 'full' ? sizes.full : sizes.reduced;
}

/** Seconds the paced publishing takes. */
export const publishSeconds = (size: ChaosSize): number => size.events / size.ratePerSecond;
