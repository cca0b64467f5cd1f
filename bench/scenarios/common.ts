import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { abortController } from '../lib/children.ts';
import type { Infra } from '../lib/infra.ts';
import type { LagSeries } from '../lib/lag-monitor.ts';
import { Rig, type ProcessFigures, type RigOptions } from '../lib/rig.ts';
import type { BenchContext } from '../lib/services.ts';
import { round } from '../lib/stats.ts';
import { ENDPOINT_TYPES, type Sizes } from '../sizes.ts';

/** Ten local receivers as endpoints, endpoint i subscribed to `bench.e<i>` only (one delivery per event). */
export const tenEndpoints = (ports: number[]) => ports.map((port, i) => ({ url: `http://127.0.0.1:${port}/hook`, eventTypes: [ENDPOINT_TYPES[i]!] }));

/** A scenario's figures: flat `metrics` (medians are taken of these across runs) and free-form `details`. */
export interface Measured {
  metrics: Record<string, number | null>;
  details?: Record<string, unknown>;
}

/** One run of one scenario, as written to the results file. */
export interface ScenarioRun extends Measured {
  scenario: string;
  run: number;
  startedAt: string;
  processes: Record<string, ProcessFigures>;
  lag: LagSeries[];
  error?: string;
}

export type Scenario = (ctx: BenchContext, infra: Infra, sizes: Sizes) => Promise<Omit<ScenarioRun, 'scenario' | 'run' | 'startedAt'>>;

/** Opens a rig, runs `body`, and always closes the rig (stopping every process and deleting the world). */
export async function withRig(ctx: BenchContext, infra: Infra, name: string, opts: RigOptions, body: (rig: Rig) => Promise<Measured>) {
  const rig = await Rig.open(ctx, infra, name, opts);
  let measured: Measured | undefined;
  let error: unknown;
  try {
    measured = await body(rig);
  } catch (err) {
    error = err;
  }
  const { died, ...closed } = await rig.close();
  if (!error && died.length > 0) error = new Error(`service exited during the run: ${died.join(', ')}`);
  if (error) throw Object.assign(error as Error, { closed });
  return { ...measured!, ...closed };
}

/** Publishes one event of each type and waits until the receiver got them all: consumers have joined their groups. */
export async function prime(rig: Rig, types: string[], timeoutMs = 90_000): Promise<void> {
  const before = (await rig.counts()).total;
  const load = await rig.load({ mode: 'batch', batchSize: types.length, concurrency: 1, durationMs: 10_000, maxEvents: types.length, types, payloadBytes: 64, recordSends: false });
  if (load.accepted !== types.length) throw new Error(`priming: ${load.accepted} of ${types.length} events accepted (${JSON.stringify(load.failures)})`);
  const ok = await rig.until(async () => (await rig.counts()).total - before >= types.length, timeoutMs);
  if (!ok) throw new Error(`priming: the receiver did not get ${types.length} events within ${timeoutMs} ms`);
}

/**
 * Offers `sizes.saturation.rate` events/s (batch publishes) for warm-up + window and counts what the receiver got
 * inside the window: deliveries/s overall and per listener, attempt rows persisted/s (when the tracker runs) and
 * whether the pipeline was saturated (more than a second of work still queued at the end of the window).
 */
export async function saturate(rig: Rig, sizes: Sizes, types: string[], opts: { tracker: boolean }): Promise<Measured> {
  const s = sizes.saturation;
  const loading = rig.load({
    mode: 'batch', batchSize: s.batchSize, concurrency: s.concurrency, rate: s.rate,
    durationMs: s.warmupMs + s.durationMs, maxEvents: Math.ceil((s.rate * (s.warmupMs + s.durationMs)) / 1000),
    types, payloadBytes: sizes.payloadBytes, recordSends: false,
  });
  loading.catch(() => undefined); // Still awaited below; this only keeps an interruption from crashing the harness.
  const signal = abortController.signal;
  await sleep(s.warmupMs, undefined, { signal });
  const c0 = await rig.counts();
  const p0 = opts.tracker ? await rig.persisted() : 0;
  rig.windowStart();
  await sleep(s.durationMs, undefined, { signal });
  const c1 = await rig.counts();
  const p1 = opts.tracker ? await rig.persisted() : 0;
  rig.windowEnd();
  const backlog = rig.latestLag().reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0);
  const load = await loading;
  const seconds = (c1.at - c0.at) / 1000;
  const deliveriesPerSecond = (c1.total - c0.total) / seconds;
  return {
    metrics: {
      deliveries_per_s: round(deliveriesPerSecond),
      persisted_per_s: opts.tracker ? round((p1 - p0) / seconds) : null,
      offered_events_per_s: round(load.eventsPerSecond),
      backlog_at_end: backlog,
      saturated: backlog > deliveriesPerSecond ? 1 : 0,
    },
    details: {
      perListenerPerSecond: c1.perListener.map((n, i) => round((n - (c0.perListener[i] ?? 0)) / seconds)),
      windowSeconds: round(seconds, 2),
      publishFailures: load.failures,
      duplicates: c1.duplicates,
      hung: c1.hung,
    },
  };
}

/** Publish → received latency of every sent event that arrived (at any listener), ms; and how many never did. */
export function endToEnd(sends: Array<[string, number]>, arrivals: Array<Map<string, number>>): { latencies: number[]; missing: number; sentAt: number[] } {
  const latencies: number[] = [];
  const sentAt: number[] = [];
  let missing = 0;
  for (const [id, at0] of sends) {
    let at: number | undefined;
    for (const m of arrivals) {
      at = m.get(id);
      if (at !== undefined) break;
    }
    if (at === undefined) missing++;
    else {
      latencies.push(at - at0);
      sentAt.push(at0);
    }
  }
  return { latencies, missing, sentAt };
}

/**
 * `BENCH_LATENCY_DUMP=dir`: one `<phase>.tsv` per measured stretch (publish time in epoch ms, publish → received in ms,
 * one line per event that arrived), to lay the slow events beside other timelines (GC logs, a service's log) when
 * looking for a tail's cause.
 */
export function dumpLatencies(phase: string, result: { latencies: number[]; sentAt: number[] }): void {
  const dir = process.env.BENCH_LATENCY_DUMP;
  if (!dir) return;
  writeFileSync(join(dir, `${phase}.tsv`), result.sentAt.map((at, i) => `${at.toFixed(1)}\t${result.latencies[i]!.toFixed(2)}\n`).join(''));
}

/** The lag groups of a full Hookline pipeline. */
export const PIPELINE_LAG = [
  { group: 'fanout', topic: 'events' },
  { group: 'deliver', topic: 'deliveries' },
  { group: 'tracker', topic: 'attempts' },
];
