import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { aggregate } from './lib/aggregate.ts';
import { abortController, type Child } from './lib/children.ts';
import { acquireInfra, kafkaVersion, postgresVersion } from './lib/infra.ts';
import { renderSection, writeResultsMarkdown, type RunMeta } from './lib/report.ts';
import { type BenchContext } from './lib/services.ts';
import { startOtlpSink } from './lib/otlp-sink.ts';
import { baselineScenario } from './scenarios/baseline.ts';
import type { Scenario, ScenarioRun } from './scenarios/common.ts';
import { endToEndScenario, isolationScenario } from './scenarios/end-to-end.ts';
import { fanoutScenario } from './scenarios/fanout.ts';
import { hangingEndpointScenario } from './scenarios/hanging-endpoint.ts';
import { inboundScenario } from './scenarios/inbound.ts';
import { ingestScenario } from './scenarios/ingest.ts';
import { kafkaAvroScenario, kafkaJsonScenario } from './scenarios/kafka-direct.ts';
import { moderateRatesScenario } from './scenarios/moderate-rates.ts';
import { recoveryScenario } from './scenarios/recovery.ts';
import { SIZES } from './sizes.ts';

const SCENARIOS: Array<[string, Scenario]> = [
  ['ingest', ingestScenario],
  ['end-to-end', endToEndScenario],
  ['baseline', baselineScenario],
  ['isolation', isolationScenario],
  ['fanout', fanoutScenario],
  ['recovery', recoveryScenario],
  ['kafka-json', kafkaJsonScenario],
  ['kafka-avro', kafkaAvroScenario],
  ['inbound', inboundScenario],
  ['moderate-rates', moderateRatesScenario],
  ['hanging-endpoint', hangingEndpointScenario],
];

const USAGE = `usage: node bench/run.ts [--size smoke|full] [--scenarios 1,2,... or names] [--runs N] [--out file.json] [--no-markdown]`;

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: 'full' },
    scenarios: { type: 'string', default: 'all' },
    runs: { type: 'string' },
    out: { type: 'string' },
    'no-markdown': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (values.help || (values.size !== 'smoke' && values.size !== 'full')) {
  console.log(USAGE);
  process.exit(values.help ? 0 : 2);
}
const size = values.size as 'smoke' | 'full';
const sizes = { ...SIZES[size], ...(values.runs ? { runs: Number(values.runs) } : {}) };
const wanted = values.scenarios === 'all'
  ? SCENARIOS
  : values.scenarios.split(',').map((s) => {
    const found = /^\d+$/.test(s) ? SCENARIOS[Number(s) - 1] : SCENARIOS.find(([n]) => n === s);
    if (!found) throw new Error(`unknown scenario ${s}; ${USAGE}`);
    return found;
  });

const log = (msg: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}`);
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const resultsDir = 'bench/results';
const outFile = values.out ?? join(resultsDir, `${size}-${stamp}.json`);
const logRoot = join(os.tmpdir(), `hookline-bench-${stamp}`);

const infra = await acquireInfra(log);
let sink: Child | undefined;
const runs: ScenarioRun[] = [];
try {
  // Traces go to a local stand-in collector unless an OTLP endpoint is configured or BENCH_OTLP=none.
  let otlpEndpoint = process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!otlpEndpoint && process.env.BENCH_OTLP !== 'none') {
    const started = await startOtlpSink(logRoot);
    sink = started.sink;
    otlpEndpoint = started.endpoint;
  }
  log(`${size} sizes, ${sizes.runs} run(s), scenarios ${wanted.map(([n]) => n).join(', ')}; kafka ${infra.kafkaBrokers}; logs in ${logRoot}`);
  for (let run = 1; run <= sizes.runs && !abortController.signal.aborted; run++) {
    for (const [name, scenario] of wanted) {
      if (abortController.signal.aborted) break;
      const ctx: BenchContext = { logDir: join(logRoot, `run${run}-${name}`), otlpEndpoint, log };
      const startedAt = new Date().toISOString();
      log(`run ${run}: ${name} …`);
      try {
        const result = await scenario(ctx, infra, sizes);
        runs.push({ scenario: name, run, startedAt, ...result });
        log(`run ${run}: ${name} ${JSON.stringify(result.metrics)}`);
      } catch (err) {
        const closed = (err as { closed?: Pick<ScenarioRun, 'processes' | 'lag'> }).closed ?? { processes: {}, lag: [] };
        runs.push({ scenario: name, run, startedAt, metrics: {}, ...closed, error: (err as Error).stack ?? String(err) });
        log(`run ${run}: ${name} FAILED: ${(err as Error).message} (logs in ${ctx.logDir})`);
      }
    }
  }

  const summary = aggregate(runs);
  const meta: RunMeta = {
    date: new Date().toISOString(),
    size,
    runs: sizes.runs,
    machine: {
      cores: os.availableParallelism(),
      memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
      cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
      os: `${os.type()} ${os.release()}`,
    },
    versions: { node: process.versions.node, kafka: kafkaVersion(), postgres: await postgresVersion(infra.databaseUrl).catch(() => 'unknown') },
    settings: {
      services: `${process.env.BENCH_SERVICES_RUN_AS === 'thread' ? 'one process, a worker thread each (BENCH_SERVICES_RUN_AS=thread: infra/dev/one-process.ts, as npm start runs them)' : 'separate processes (node services/<name>/src/main.ts)'}, LOG_LEVEL=info, logs to files`,
      tracing: otlpEndpoint ? `OpenTelemetry SDK on, OTLP/HTTP export to ${sink ? 'a local stand-in collector (bench/procs/otlp-sink.ts)' : otlpEndpoint}` : 'OpenTelemetry SDK on, OTEL_TRACES_EXPORTER=none (no tracer provider is registered then)',
      sampler: process.env.OTEL_TRACES_SAMPLER ? `${process.env.OTEL_TRACES_SAMPLER} ${process.env.OTEL_TRACES_SAMPLER_ARG ?? ''}` : 'Hookline default: parentbased_traceidratio, 0.1 (OTEL_TRACES_SAMPLER/_ARG unset)',
      partitions: 'TOPIC_PARTITIONS default (6)',
      'other load on the machine': process.env.BENCH_NOTE ?? 'not recorded (set BENCH_NOTE)',
    },
    resultsFile: relative(process.cwd(), outFile),
  };
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(outFile, `${JSON.stringify({ meta, summary, runs }, null, 2)}\n`);
  log(`results written to ${outFile}`);
  if (abortController.signal.aborted) log('interrupted: bench/RESULTS.md left as it was');
  else if (!values['no-markdown']) {
    writeResultsMarkdown('bench/RESULTS.md', meta, renderSection(meta, summary));
    log('bench/RESULTS.md updated');
  }
  for (const [name, s] of Object.entries(summary)) {
    const m = Object.entries(s.metrics).map(([k, v]) => `${k}=${v.median ?? '—'}`).join(' ');
    log(`${name}: ${s.errors.length ? `${s.errors.length} failed run(s); ` : ''}${m}`);
    log(`${name} processes: ${Object.entries(s.processes).map(([p, f]) => `${p} ${f.peakRssMiB} MiB/${f.cpuSeconds} s`).join(', ')}`);
  }
  if (runs.some((r) => r.error)) process.exitCode = 1;
} finally {
  await sink?.stop();
  await infra.release();
}
