/**
 * V8 CPU profiles of the three services at one fixed rate of single publishes (issue 19's 100 events/s by default):
 * where an event's CPU goes when nothing batches. Profiles land in `<dir>/<service>/*.cpuprofile` (open them in
 * Chrome DevTools or speedscope) and the top self-time frames and packages are printed per service.
 *
 *   node bench/profile-rate.ts [--rate 100] [--seconds 20] [--dir /tmp/hookline-profile]
 *
 * Uses KAFKA_BROKERS / DATABASE_URL when set, else the local launchers (as every bench script does).
 */
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { printProfileSummaries } from './lib/cpu-profile.ts';
import { acquireInfra } from './lib/infra.ts';
import { prime, tenEndpoints, withRig } from './scenarios/common.ts';
import { ENDPOINT_TYPES } from './sizes.ts';

const { values } = parseArgs({ options: { rate: { type: 'string', default: '100' }, seconds: { type: 'string', default: '20' }, dir: { type: 'string', default: join(os.tmpdir(), `hookline-profile-${Date.now()}`) } } });
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const dir = values.dir!;
mkdirSync(dir, { recursive: true });
// The services start with --cpu-prof into this directory and write their profiles when they stop.
process.env.BENCH_CPU_PROF = dir;

const log = (m: string) => console.log(`[profile ${new Date().toISOString().slice(11, 19)}] ${m}`);
const infra = await acquireInfra(log);
await withRig({ logDir: join(dir, 'logs'), otlpEndpoint: undefined, log }, infra, 'profile', {
  services: ['ingest', 'dispatcher', 'tracker'], listeners: 10, lag: [], lagIntervalMs: 1_000,
  endpoints: tenEndpoints,
}, async (rig) => {
  await prime(rig, ENDPOINT_TYPES);
  const load = await rig.load({ mode: 'single', rate, concurrency: 64, durationMs: seconds * 1_000, maxEvents: rate * seconds, types: ENDPOINT_TYPES, payloadBytes: 1_024, recordSends: false });
  log(`published ${load.accepted} events at ${load.eventsPerSecond.toFixed(0)}/s`);
  await rig.until(async () => (await rig.counts()).total >= load.accepted, 60_000, 100);
  return { metrics: {} };
});
await infra.release();

printProfileSummaries(dir, ['ingest', 'dispatcher', 'tracker']);
process.exit(0);
