/**
 * A V8 CPU profile of ingest alone while it is saturated, in one publish mode: where a publish's CPU goes when ingest
 * is the bottleneck (scenario 1's shape). The profile lands in `<dir>/ingest/*.cpuprofile` and the top self-time
 * frames and packages are printed.
 *
 *   node bench/profile-ingest.ts [--mode single|batch] [--seconds 20] [--dir /tmp/hookline-ingest-profile]
 */
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { printProfileSummaries } from './lib/cpu-profile.ts';
import { acquireInfra } from './lib/infra.ts';
import { startOtlpSink } from './lib/otlp-sink.ts';
import { withRig } from './scenarios/common.ts';
import { SIZES } from './sizes.ts';

const { values } = parseArgs({ options: { mode: { type: 'string', default: 'single' }, seconds: { type: 'string', default: '20' }, dir: { type: 'string', default: join(os.tmpdir(), `hookline-ingest-profile-${Date.now()}`) } } });
const mode = values.mode === 'batch' ? 'batch' : 'single';
const dir = values.dir!;
mkdirSync(dir, { recursive: true });
process.env.BENCH_CPU_PROF = dir;
const s = SIZES.full.ingest;

const log = (m: string) => console.log(`[profile ${new Date().toISOString().slice(11, 19)}] ${m}`);
const infra = await acquireInfra(log);
// Traces go to the bench's stand-in collector, as in `bench/run.ts`.
const { sink, endpoint } = await startOtlpSink(join(dir, 'logs'));
await withRig({ logDir: join(dir, 'logs'), otlpEndpoint: endpoint, log }, infra, 'profile', { services: ['ingest'], listeners: 0, endpoints: () => [], lag: [], lagIntervalMs: 1_000 }, async (rig) => {
  const load = await rig.load({
    mode, concurrency: mode === 'batch' ? s.batchConcurrency : s.concurrency, batchSize: s.batchSize,
    durationMs: Number(values.seconds) * 1_000, maxEvents: 10_000_000, types: ['bench.ingest'], payloadBytes: 1_024, recordSends: false,
  });
  log(`${mode}: ${load.accepted} events accepted at ${load.eventsPerSecond.toFixed(0)}/s`);
  return { metrics: {} };
});
await sink.stop();
await infra.release();
printProfileSummaries(dir, ['ingest']);
process.exit(0);
