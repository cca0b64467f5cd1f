import type { ScenarioRun } from '../scenarios/common.ts';
import { healthyRateOf } from '../scenarios/end-to-end.ts';
import { median, round } from './stats.ts';

/** Median (and every run's value) of each metric and each process figure of a scenario. */
export interface ScenarioSummary {
  runs: number;
  errors: string[];
  metrics: Record<string, { median: number | null; values: Array<number | null> }>;
  processes: Record<string, { peakRssMiB: number; cpuSeconds: number; windowCpuSeconds: number | null }>;
}

/**
 * Adds the figures that compare scenarios within one run (Hookline ÷ baseline; isolation's healthy endpoints ÷ the
 * same endpoints in scenario 2), then takes medians across runs.
 */
export function aggregate(runs: ScenarioRun[]): Record<string, ScenarioSummary> {
  const byRun = new Map<number, Map<string, ScenarioRun>>();
  for (const r of runs) {
    if (!byRun.has(r.run)) byRun.set(r.run, new Map());
    byRun.get(r.run)!.set(r.scenario, r);
  }
  for (const scenarios of byRun.values()) {
    const e2e = scenarios.get('end-to-end');
    const base = scenarios.get('baseline');
    const iso = scenarios.get('isolation');
    const e2eRate = e2e?.metrics.deliveries_per_s;
    const baseRate = base?.metrics.deliveries_per_s;
    if (e2e && typeof e2eRate === 'number' && typeof baseRate === 'number' && baseRate > 0) e2e.metrics.of_baseline = round(e2eRate / baseRate, 3);
    const healthy = healthyRateOf(e2e?.details);
    const isoHealthy = iso?.metrics.healthy_deliveries_per_s;
    if (iso && typeof isoHealthy === 'number' && healthy) iso.metrics.healthy_of_scenario_2 = round(isoHealthy / healthy, 3);
  }
  const out: Record<string, ScenarioSummary> = {};
  for (const name of [...new Set(runs.map((r) => r.scenario))]) {
    const mine = runs.filter((r) => r.scenario === name);
    const ok = mine.filter((r) => !r.error);
    const keys = [...new Set(ok.flatMap((r) => Object.keys(r.metrics)))];
    const metrics: ScenarioSummary['metrics'] = {};
    for (const key of keys) {
      const values = ok.map((r) => r.metrics[key] ?? null);
      const m = median(values.filter((v): v is number => v !== null));
      metrics[key] = { median: Number.isFinite(m) ? round(m, 3) : null, values };
    }
    const processes: ScenarioSummary['processes'] = {};
    for (const p of [...new Set(ok.flatMap((r) => Object.keys(r.processes)))]) {
      const of = (f: (x: ScenarioRun['processes'][string]) => number | undefined) =>
        median(ok.map((r) => (r.processes[p] ? f(r.processes[p]) : undefined)).filter((v): v is number => v !== undefined));
      const w = of((x) => x.windowCpuSeconds);
      processes[p] = { peakRssMiB: round(of((x) => x.peakRssMiB)), cpuSeconds: round(of((x) => x.cpuSeconds), 2), windowCpuSeconds: Number.isFinite(w) ? round(w, 2) : null };
    }
    out[name] = { runs: mine.length, errors: mine.filter((r) => r.error).map((r) => `run ${r.run}: ${r.error}`), metrics, processes };
  }
  return out;
}
