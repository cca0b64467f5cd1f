/**
 * V8 CPU profiles of the three services at one fixed rate of single publishes (issue 19's 100 events/s by default):
 * where an event's CPU goes when nothing batches. Profiles land in `<dir>/<service>/*.cpuprofile` (open them in
 * Chrome DevTools or speedscope) and the top self-time frames and packages are printed per service.
 *
 *   node bench/profile-rate.ts [--rate 100] [--seconds 20] [--dir /tmp/hookline-profile]
 *
 * Uses KAFKA_BROKERS / DATABASE_URL when set, else the local launchers (as every bench script does).
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
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

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
interface Profile { nodes: Node[]; samples: number[]; timeDeltas: number[] }
/** Which package (or Hookline file, or Node internals) a frame belongs to. */
const ownerOf = (url: string): string => {
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (url.includes('/work/') || url.startsWith('file://')) return url.replace(/^.*\/(packages|services)\//, '$1/');
  return url === '' ? '(native/gc/idle)' : url.startsWith('node:') ? url : `node:${url}`;
};
for (const service of ['ingest', 'dispatcher', 'tracker']) {
  const files = readdirSync(join(dir, service)).filter((f) => f.endsWith('.cpuprofile'));
  for (const f of files) {
    const p = JSON.parse(readFileSync(join(dir, service, f), 'utf8')) as Profile;
    const byId = new Map(p.nodes.map((n) => [n.id, n]));
    const self = new Map<number, number>();
    p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
    const byOwner = new Map<string, number>();
    const byFrame = new Map<string, number>();
    let busy = 0;
    for (const [id, us] of self) {
      const n = byId.get(id)!;
      if (n.callFrame.functionName === '(idle)') continue;
      busy += us;
      const owner = ownerOf(n.callFrame.url);
      byOwner.set(owner, (byOwner.get(owner) ?? 0) + us);
      const frame = `${n.callFrame.functionName || '(anonymous)'} ${owner}:${n.callFrame.lineNumber + 1}`;
      byFrame.set(frame, (byFrame.get(frame) ?? 0) + us);
    }
    const top = (m: Map<string, number>, k: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, k).map(([name, us]) => `  ${((us / busy) * 100).toFixed(1).padStart(5)} %  ${name}`).join('\n');
    console.log(`\n== ${service}: ${(busy / 1e6).toFixed(2)} s busy in the profile (${f})\n-- by package\n${top(byOwner, 15)}\n-- by frame (self time)\n${top(byFrame, 25)}`);
  }
}
process.exit(0);
