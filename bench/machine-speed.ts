/**
 * How much of a latency figure is the machine: reads result files of scenario 10 (fixed rates) and scenario 11 (a
 * hanging endpoint) written by `bench/run.ts --out` and, per phase, sorts the runs by what the reference processes
 * cost — the load driver and the receivers, code that no Hookline change touches, so their CPU per event measures how
 * fast the machine ran that phase — then prints the services' CPU relative to theirs (stable when the tree's own cost
 * did not change) and the latency of the fastest, middle and slowest third of the runs (for scenario 11's hanging
 * phase also `healthy_p99_ratio`; its control runs, `BENCH_HANGING_CONTROL=true`, are left out).
 *
 *   node bench/machine-speed.ts bench/results/moderate-s19-*.json bench/results/moderate-s26-pgn-base-*.json
 *   node bench/machine-speed.ts --json <files…>
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

type Details = Record<string, { cpuMsPerEventByProcess?: Record<string, number>; costDetails?: { cpuMsPerEventByProcess?: Record<string, number> } } | undefined>;

/** The phases read: where each keeps its per-process CPU, and the prefix of its metrics. */
const PHASES = [
  { name: '100/s', metric: 'r100', cpu: (d: Details) => d.r100?.cpuMsPerEventByProcess },
  { name: '500/s', metric: 'r500', cpu: (d: Details) => d.r500?.cpuMsPerEventByProcess },
  { name: '1000/s', metric: 'r1000', cpu: (d: Details) => d.r1000?.cpuMsPerEventByProcess },
  { name: '200/s, none hanging (scenario 11)', metric: 'none_hanging', cpu: (d: Details) => d.none?.costDetails?.cpuMsPerEventByProcess },
  { name: '200/s, endpoint 9 hanging (scenario 11)', metric: 'hanging', cpu: (d: Details) => d.hanging?.costDetails?.cpuMsPerEventByProcess },
] as const;

interface Phase {
  /** Load driver + receivers, ms of CPU per event: the machine's speed in that phase (lower is faster). */
  reference: number;
  /** ingest + dispatcher + tracker, ms of CPU per event. */
  services: number;
  machineCpu: number;
  p50: number;
  p99: number;
  /** Scenario 11's hanging phase: its p99 over the phase with none hanging. */
  ratio?: number;
}

interface Run {
  file: string;
  phases: Record<string, Phase>;
}

function readRun(file: string): Run | null {
  let json: { runs?: Array<{ metrics: Record<string, number | null>; details: Details }> };
  try {
    json = JSON.parse(readFileSync(file, 'utf8')) as typeof json;
  } catch (err) {
    console.error(`${file}: not a readable bench result (${(err as Error).message})`);
    process.exit(2);
  }
  const run = json.runs?.[0];
  if (!run || run.metrics.control) return null;
  const phases: Run['phases'] = {};
  for (const phase of PHASES) {
    const cpu = phase.cpu(run.details);
    const p50 = run.metrics[`${phase.metric}_p50_ms`];
    const p99 = run.metrics[`${phase.metric}_p99_ms`];
    const machineCpu = run.metrics[`${phase.metric}_cpu_ms_per_event`];
    if (!cpu || p50 == null || p99 == null || machineCpu == null) continue;
    const services = (cpu.ingest ?? 0) + (cpu.dispatcher ?? 0) + (cpu.tracker ?? 0) + (cpu.services ?? 0);
    const ratio = phase.metric === 'hanging' ? run.metrics.healthy_p99_ratio : null;
    phases[phase.name] = { reference: (cpu.loadgen ?? 0) + (cpu.receiver ?? 0), services, machineCpu, p50, p99, ...(ratio != null ? { ratio } : {}) };
  }
  return Object.keys(phases).length > 0 ? { file: basename(file), phases } : null;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) return Number.NaN;
  return n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
}

const range = (values: number[], digits: number) => `${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)}`;

const args = process.argv.slice(2);
const asJson = args.includes('--json');
const files = args.filter((a) => a !== '--json');
if (files.length === 0) {
  console.error('usage: node bench/machine-speed.ts [--json] <scenario-10 or scenario-11 result files…>');
  process.exit(2);
}
const runs = files.map(readRun).filter((r): r is Run => r !== null);
const out: Record<string, unknown> = { runs: runs.length, skipped: files.length - runs.length };
for (const { name: phaseName } of PHASES) {
  const phases = runs.flatMap((r) => (r.phases[phaseName] ? [{ file: r.file, ...r.phases[phaseName] }] : [])).sort((a, b) => a.reference - b.reference);
  if (phases.length === 0) continue;
  const ratio = phases.map((p) => p.services / p.reference);
  const third = Math.ceil(phases.length / 3);
  const groups = [
    ['fastest third', phases.slice(0, third)],
    ['middle third', phases.slice(third, 2 * third)],
    ['slowest third', phases.slice(2 * third)],
  ] as const;
  const summary = groups
    .filter(([, g]) => g.length > 0)
    .map(([name, g]) => {
      const ratios = g.flatMap((p) => (p.ratio === undefined ? [] : [p.ratio]));
      return {
        name,
        runs: g.length,
        referenceMs: range(g.map((p) => p.reference), 3),
        machineCpuMsMedian: Number(median(g.map((p) => p.machineCpu)).toFixed(2)),
        p50MsMedian: Number(median(g.map((p) => p.p50)).toFixed(2)),
        p99MsMedian: Number(median(g.map((p) => p.p99)).toFixed(2)),
        p99MsRange: range(g.map((p) => p.p99), 1),
        ...(ratios.length > 0 ? { healthyP99RatioMedian: Number(median(ratios).toFixed(2)), healthyP99RatioRange: range(ratios, 2) } : {}),
      };
    });
  out[phaseName] = { servicesOverReference: { median: Number(median(ratio).toFixed(2)), range: range(ratio, 2) }, groups: summary };
  if (asJson) continue;
  console.log(`${phaseName}, ${phases.length} runs: the services' CPU ÷ the reference processes' ${median(ratio).toFixed(2)} (${range(ratio, 2)})`);
  for (const g of summary) {
    const extra = g.healthyP99RatioMedian === undefined ? '' : `  healthy_p99_ratio ${g.healthyP99RatioMedian} (${g.healthyP99RatioRange})`;
    console.log(
      `  ${g.name.padEnd(14)} reference ${g.referenceMs} ms/event  machine CPU ${g.machineCpuMsMedian.toFixed(2)} ms/event  ` +
        `p50 ${g.p50MsMedian} ms  p99 ${g.p99MsMedian} ms (${g.p99MsRange})${extra}  [${g.runs} runs]`,
    );
  }
}
if (asJson) console.log(JSON.stringify(out, null, 2));
else if (out.skipped) console.log(`(${String(out.skipped)} files without these phases, or control runs, left out)`);
