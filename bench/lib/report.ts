import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { ScenarioSummary } from './aggregate.ts';

/** The machine and settings a results file was measured with. */
export interface RunMeta {
  date: string;
  size: 'smoke' | 'full';
  runs: number;
  machine: { cores: number; memoryGiB: number; cpu: string; os: string };
  versions: { node: string; kafka: string; postgres: string };
  settings: Record<string, string>;
  resultsFile: string;
}

/** The issue's targets, next to the figure they judge. */
const TARGETS: Record<string, string> = {
  'ingest.single_events_per_s': '≥ 5,000',
  'ingest.batch_events_per_s': '≥ 30,000',
  'ingest.below_saturation_p99_ms': '≤ 20',
  'end-to-end.deliveries_per_s': '≥ 5,000',
  'end-to-end.persisted_per_s': '≥ 5,000',
  'end-to-end.of_baseline': '≥ 0.6',
  'end-to-end.latency_1000_p99_ms': '≤ 50',
  'isolation.healthy_of_scenario_2': '≥ 0.9',
};

const TITLES: Record<string, string> = {
  ingest: '1. Ingest (ingest alone)',
  'end-to-end': '2. End-to-end (10 endpoints, 1 KiB, every attempt persisted)',
  baseline: '3. Baseline (bare kafkajs + undici relay, same load)',
  isolation: '4. Isolation (endpoint 9 of 10 hangs until the delivery timeout)',
  fanout: '5. Fan-out (one event to 50 endpoints)',
  recovery: '6. Recovery (backlog with the receiver down, then up)',
};

const fmt = (v: number | null | undefined) => (v === null || v === undefined || Number.isNaN(v) ? '—' : v.toLocaleString('en-US', { maximumFractionDigits: 3 }));

/** The Markdown section of one results file: machine, settings, one table per scenario, per-process figures. */
export function renderSection(meta: RunMeta, summary: Record<string, ScenarioSummary>): string {
  const lines: string[] = [];
  const smoke = meta.size === 'smoke';
  lines.push(smoke ? '## Smoke run — checks that the harness works; these figures are NOT benchmark results' : '## Full run');
  lines.push('');
  if (smoke) lines.push('Smoke sizes run for seconds at tiny rates, on a machine that may be busy: read nothing into the numbers.', '');
  lines.push('| | |', '|---|---|');
  lines.push(`| date | ${meta.date} |`);
  lines.push(`| machine | ${meta.machine.cores} cores (${meta.machine.cpu}), ${meta.machine.memoryGiB} GiB RAM, ${meta.machine.os} |`);
  lines.push(`| versions | Node ${meta.versions.node}, Kafka ${meta.versions.kafka}, PostgreSQL ${meta.versions.postgres} |`);
  lines.push(`| runs | ${meta.runs} (medians quoted; every run's value in brackets) |`);
  for (const [k, v] of Object.entries(meta.settings)) lines.push(`| ${k} | ${v} |`);
  lines.push(`| raw results | \`${meta.resultsFile}\` |`, '');
  for (const [name, s] of Object.entries(summary)) {
    lines.push(`### ${TITLES[name] ?? name}`, '');
    if (s.errors.length > 0) lines.push(...s.errors.map((e) => `- **failed** ${e.split('\n')[0]}`), '');
    if (Object.keys(s.metrics).length > 0) {
      lines.push('| metric | median | runs | target |', '|---|---:|---|---|');
      for (const [key, m] of Object.entries(s.metrics)) {
        lines.push(`| ${key} | ${fmt(m.median)} | [${m.values.map(fmt).join(', ')}] | ${TARGETS[`${name}.${key}`] ?? ''} |`);
      }
      lines.push('');
    }
    if (Object.keys(s.processes).length > 0) {
      lines.push('| process | peak RSS MiB (target ≤ 250 per service) | CPU s (whole run) | CPU s (measured window) |', '|---|---:|---:|---:|');
      for (const [p, f] of Object.entries(s.processes)) lines.push(`| ${p} | ${fmt(f.peakRssMiB)} | ${fmt(f.cpuSeconds)} | ${fmt(f.windowCpuSeconds)} |`);
      lines.push('');
    }
  }
  return lines.join('\n');
}

const HEADER = `# Benchmark results

Measured by the harness in \`bench/\` (issue 7): \`npm run bench\` (full sizes, 3 runs, medians) or
\`npm run bench:smoke\` (seconds; checks the harness only). See \`bench/README.md\` for what each scenario does and
how figures are measured. Raw results (including lag over time) are JSON files under \`bench/results/\`.
`;

/** Replaces this size's section of RESULTS.md (the other size's section is kept). */
export function writeResultsMarkdown(path: string, meta: RunMeta, section: string): void {
  const start = `<!-- bench:${meta.size}:start -->`;
  const end = `<!-- bench:${meta.size}:end -->`;
  const block = `${start}\n${section}\n${end}`;
  let doc = existsSync(path) ? readFileSync(path, 'utf8') : `${HEADER}\n<!-- bench:full:start -->\n## Full run\n\nNot measured yet.\n<!-- bench:full:end -->\n\n<!-- bench:smoke:start -->\n<!-- bench:smoke:end -->\n`;
  doc = doc.includes(start) && doc.includes(end) ? doc.slice(0, doc.indexOf(start)) + block + doc.slice(doc.indexOf(end) + end.length) : `${doc}\n${block}\n`;
  writeFileSync(path, doc);
}
