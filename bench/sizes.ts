/**
 * The two sizes of every scenario. `smoke` runs in seconds (CI checks the harness works; its figures mean nothing);
 * `full` is the measurement the issue asks for, meant for a quiet machine.
 */
export interface Sizes {
  runs: number;
  lagIntervalMs: number;
  /** Payload of each event's `data`, bytes. */
  payloadBytes: number;
  ingest: { durationMs: number; concurrency: number; batchConcurrency: number; batchSize: number };
  /** Scenarios 2–4: saturation for `warmupMs + durationMs` at an offered `rate` (batch publishes). */
  saturation: { warmupMs: number; durationMs: number; rate: number; batchSize: number; concurrency: number };
  /** Scenario 2: fixed rates for publish → received latency. */
  latency: { rates: number[]; durationMs: number; concurrency: number; drainMs: number };
  fanout: { endpoints: number; rate: number; durationMs: number; drainMs: number };
  recovery: { deliveries: number; drainMs: number; stallMs: number };
  /**
   * Scenarios 7–8: records produced straight to the events topic for `warmupMs + durationMs`, at most `rate`/s and at
   * most `maxAhead` records ahead of the receiver (the pipeline stays saturated without an unbounded backlog).
   */
  direct: { warmupMs: number; durationMs: number; rate: number; maxAhead: number };
  /** Scenario 9: GitHub-signed webhooks to an inbound source, closed loop at `concurrency`, then at half that rate. */
  inbound: { durationMs: number; concurrency: number };
  /**
   * Scenario 10 (issue 19's shape): first `warmup`, single publishes at its `rate` for its `durationMs`, not measured;
   * then the stack idle for `idleMs`, single publishes at each fixed rate for its `durationMs`, then `drainEvents`
   * single publishes from `drainClients` clients as fast as ingest answers.
   */
  moderate: { warmup: { rate: number; durationMs: number }; idleMs: number; rates: Array<{ rate: number; durationMs: number }>; drainEvents: number; drainClients: number };
  /** Scenario 11: a warm-up, single publishes at `rate` for `durationMs` with no endpoint hanging, then again with endpoint 9 hanging. */
  hanging: { rate: number; durationMs: number; warmupMs: number };
}

export const SIZES: Record<'smoke' | 'full', Sizes> = {
  smoke: {
    runs: 1,
    lagIntervalMs: 500,
    payloadBytes: 1024,
    ingest: { durationMs: 2_000, concurrency: 4, batchConcurrency: 2, batchSize: 50 },
    saturation: { warmupMs: 1_000, durationMs: 3_000, rate: 300, batchSize: 20, concurrency: 2 },
    latency: { rates: [50, 100], durationMs: 2_000, concurrency: 16, drainMs: 15_000 },
    fanout: { endpoints: 50, rate: 5, durationMs: 2_000, drainMs: 20_000 },
    recovery: { deliveries: 300, drainMs: 20_000, stallMs: 6_000 },
    direct: { warmupMs: 1_000, durationMs: 3_000, rate: 300, maxAhead: 1_000 },
    inbound: { durationMs: 2_000, concurrency: 4 },
    moderate: { warmup: { rate: 50, durationMs: 1_000 }, idleMs: 2_000, rates: [{ rate: 50, durationMs: 2_000 }, { rate: 100, durationMs: 2_000 }], drainEvents: 300, drainClients: 8 },
    hanging: { rate: 50, durationMs: 3_000, warmupMs: 1_000 },
  },
  full: {
    runs: 3,
    lagIntervalMs: 1_000,
    payloadBytes: 1024,
    ingest: { durationMs: 20_000, concurrency: 64, batchConcurrency: 8, batchSize: 100 },
    saturation: { warmupMs: 10_000, durationMs: 60_000, rate: 20_000, batchSize: 100, concurrency: 8 },
    latency: { rates: [500, 1_000, 2_000], durationMs: 30_000, concurrency: 256, drainMs: 60_000 },
    fanout: { endpoints: 50, rate: 200, durationMs: 30_000, drainMs: 120_000 },
    recovery: { deliveries: 100_000, drainMs: 600_000, stallMs: 60_000 },
    direct: { warmupMs: 10_000, durationMs: 60_000, rate: 20_000, maxAhead: 10_000 },
    inbound: { durationMs: 20_000, concurrency: 64 },
    moderate: {
      warmup: { rate: 300, durationMs: 60_000 },
      idleMs: 30_000,
      rates: [{ rate: 100, durationMs: 30_000 }, { rate: 500, durationMs: 20_000 }, { rate: 1_000, durationMs: 15_000 }],
      drainEvents: 10_000,
      drainClients: 32,
    },
    hanging: { rate: 200, durationMs: 30_000, warmupMs: 60_000 },
  },
};

/** Event types of the ten endpoints of scenarios 2–4 and 6: endpoint i subscribes to `bench.e<i>` only. */
export const ENDPOINT_TYPES = Array.from({ length: 10 }, (_, i) => `bench.e${i}`);

/**
 * How long a scenario's unmeasured warm-up lasts: `BENCH_WARMUP_MS` when set (0: none), else the size's `sizeMs`.
 * A warm-up is there because a broker or service just started spends much of its CPU compiling its hot paths.
 */
export function warmupMs(sizeMs: number, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.BENCH_WARMUP_MS?.trim();
  if (raw === undefined || raw === '') return sizeMs;
  if (!/^\d+$/.test(raw)) throw new Error(`BENCH_WARMUP_MS=${JSON.stringify(env.BENCH_WARMUP_MS)}: expected milliseconds, a whole number ≥ 0`);
  return Number(raw);
}
