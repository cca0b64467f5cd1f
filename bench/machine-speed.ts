/**
 * How much of a scenario-10 figure is the machine: reads scenario-10 result files (`bench/run.ts --out`) and, per
 * fixed rate, sorts the runs by what the reference processes cost — the load driver and the receivers, code that no
 * Hookline change touches, so their CPU per event measures how fast the machine ran that phase — then prints the
 * services' CPU relative to them (stable when the tree's own cost did not change) and the latency of the fastest,
 * middle and slowest third of the runs.
 *
 *   node bench/machine-speed.ts bench/results/moderate-s19-*.json bench/results/moderate-s26-pgn-base-*.json
 *   node bench/machine-speed.ts --json <files…>
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

const RATES = ['r100', 'r500', 'r1000'] as const;
type Rate = (typeof RATES)[number];

interface Phase {
  /** Load driver + receivers, ms of CPU per event: the machine's speed in that phase (lower is faster). */
  reference: number;
  /** ingest + dispatcher + tracker, ms of CPU per event. */
  services: number;
  machineCpu: number;
  p50: number;
  p99: number;
}

interface Run {
  file: string;
  phases: Partial<Record<Rate, Phase>>;
}

function readRun(file: string): Run | null {
  const json = JSON.parse(readFileSync(file, 'utf8')) as {
    runs?: Array<{ scenario?: string; metrics: Record<string, number | null>; details: Record<string, { cpuMsPerEventByProcess?: Record<string, number> } | undefined> }>;
  };
  const run = json.runs?.[0];
  if (!run) return null;
  const phases: Run['phases'] = {};
  for (const rate of RATES) {
    const cpu = run.details[rate]?.cpuMsPerEventByProcess;
    const p50 = run.metrics[`${rate}_p50_ms`];
    const p99 = run.metrics[`${rate}_p99_ms`];
    const machineCpu = run.metrics[`${rate}_cpu_ms_per_event`];
    if (!cpu || p50 == null || p99 == null || machineCpu == null) continue;
    const services = (cpu.ingest ?? 0) + (cpu.dispatcher ?? 0) + (cpu.tracker ?? 0) + (cpu.services ?? 0);
    phases[rate] = { reference: (cpu.loadgen ?? 0) + (cpu.receiver ?? 0), services, machineCpu, p50, p99 };
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
  console.error('usage: node bench/machine-speed.ts [--json] <scenario-10 result files…>');
  process.exit(2);
}
const runs = files.map(readRun).filter((r): r is Run => r !== null);
const out: Record<string, unknown> = { runs: runs.length, skipped: files.length - runs.length };
for (const rate of RATES) {
  const phases = runs.flatMap((r) => (r.phases[rate] ? [{ file: r.file, ...r.phases[rate] }] : [])).sort((a, b) => a.reference - b.reference);
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
    .map(([name, g]) => ({
      name,
      runs: g.length,
      referenceMs: range(g.map((p) => p.reference), 3),
      machineCpuMsMedian: Number(median(g.map((p) => p.machineCpu)).toFixed(2)),
      p50MsMedian: Number(median(g.map((p) => p.p50)).toFixed(2)),
      p99MsMedian: Number(median(g.map((p) => p.p99)).toFixed(2)),
      p99MsRange: range(g.map((p) => p.p99), 1),
    }));
  out[rate] = { servicesOverReference: { median: Number(median(ratio).toFixed(2)), range: range(ratio, 2) }, groups: summary };
  if (asJson) continue;
  console.log(`${rate.slice(1)}/s, ${phases.length} runs: the services' CPU ÷ the reference processes' ${median(ratio).toFixed(2)} (${range(ratio, 2)})`);
  for (const g of summary) {
    console.log(
      `  ${g.name.padEnd(14)} reference ${g.referenceMs} ms/event  machine CPU ${g.machineCpuMsMedian.toFixed(2)} ms/event  ` +
        `p50 ${g.p50MsMedian} ms  p99 ${g.p99MsMedian} ms (${g.p99MsRange})  [${g.runs} runs]`,
    );
  }
}
if (asJson) console.log(JSON.stringify(out, null, 2));
else if (out.skipped) console.log(`(${String(out.skipped)} files without scenario-10 phases left out)`);
