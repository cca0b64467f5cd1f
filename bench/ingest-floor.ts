/**
 * What Hookline costs at a moderate rate against the least the same job must cost on this machine, side by side on
 * the same broker, rounds alternating (a warm-up, then a window of single publishes at a fixed rate from the bench's
 * load generator):
 *
 * - `--mode hop`: ingest alone against `bench/procs/ingest-floor.ts` (HTTP, JSON, one produce with Hookline's own
 *   producer; no authentication, validation, limits, tracing, logs or metrics). Per publish: the CPU of the
 *   process answering, of the load generator and of the broker, its wake-ups, the publish latency.
 * - `--mode pipeline`: Hookline's three services (ten endpoints, one delivery per event, every attempt persisted)
 *   against that floor plus the bare kafkajs + undici relay of scenario 3 (`bench/procs/baseline.ts`) on a topic
 *   of its own. Per event: the whole machine's CPU (from /proc/stat, as scenario 10 counts it) and each process's;
 *   publish → received latency.
 *
 *   node bench/ingest-floor.ts [--mode hop|pipeline] [--rate 100] [--seconds 30] [--rounds 3] [--drain N] [--json]
 *
 * `--drain N` (pipeline): each window is scenario 10's drain instead of a fixed rate — N single publishes from 32
 * clients as fast as they are answered, until every event was received (and, for Hookline, every attempt persisted).
 *
 * The services run as the bench runs them (`npm start`'s defaults, traces to the bench's stand-in collector;
 * BENCH_SERVICE_ENV adds variables; BENCH_CPU_PROF=<dir> profiles them and the floor). Uses KAFKA_BROKERS /
 * DATABASE_URL when set, else the local launchers.
 */
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureTopics } from '@hookline/kafka';
import { SERVICE_NODE_ARGS } from '../infra/node/service-node-args.js';
import { printProfileSummaries } from './lib/cpu-profile.ts';
import { infraCpuDelta, infraCpuSeconds } from './lib/counters.ts';
import type { Child } from './lib/children.ts';
import { acquireInfra } from './lib/infra.ts';
import { startOtlpSink } from './lib/otlp-sink.ts';
import { contextSwitches, machineBusySeconds } from './lib/proc-stats.ts';
import { freePort } from './lib/services.ts';
import { median, round, summarize, type LatencySummary } from './lib/stats.ts';
import { waitForPort } from './lib/wait-port.ts';
import { endToEnd, prime, tenEndpoints, withRig } from './scenarios/common.ts';
import type { LoadResult } from './procs/loadgen.ts';
import { ENDPOINT_TYPES } from './sizes.ts';

const { values } = parseArgs({
  options: {
    mode: { type: 'string', default: 'hop' }, rate: { type: 'string', default: '100' }, seconds: { type: 'string', default: '30' },
    rounds: { type: 'string', default: '3' }, drain: { type: 'string' }, json: { type: 'boolean', default: false },
  },
});
const pipeline = values.mode === 'pipeline';
if (!pipeline && values.mode !== 'hop') throw new Error('--mode is hop or pipeline');
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);
// --drain N (pipeline only): each window is scenario 10's drain instead — N single publishes from 32 clients as fast
// as they are answered, timed until every event was received (and, for Hookline, every attempt persisted).
const drain = values.drain === undefined ? 0 : Number(values.drain);
if (drain > 0 && !pipeline) throw new Error('--drain needs --mode pipeline');
const dir = join(os.tmpdir(), `hookline-ingest-floor-${Date.now()}`);
const log = (m: string) => { if (!values.json) console.log(`[ingest-floor ${new Date().toISOString().slice(11, 19)}] ${m}`); };

/** Times the process's threads went to sleep (voluntary context switches of every thread). */
const wakeups = (pid: number): number => contextSwitches(pid).voluntary;

type Side = 'hookline' | 'floor';
interface Round {
  side: Side; round: number; accepted: number; failures: Record<string, number>; latency: LatencySummary; received: LatencySummary | undefined;
  /** ms of CPU per event: the whole machine, and each process of the side (plus the load generator, receivers, broker, PostgreSQL). */
  machineMs: number; cpuMs: Record<string, number>;
  /** Voluntary context switches per event of the process answering the publishes. */
  wakeups: number;
  /** --drain: events per second from the first publish until the last was received (and persisted). */
  deliveriesPerS?: number;
}
const results: Round[] = [];
// BENCH_CPU_PROF=<dir>: V8 CPU profiles of the services (as the bench's services get them) and of the floor's processes.
const profileArgs = (name: string) => (process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}/${name}`] : []);

const infra = await acquireInfra(log);
const { sink, endpoint } = await startOtlpSink(join(dir, 'logs'));
const services = pipeline ? (['ingest', 'dispatcher', 'tracker'] as const) : (['ingest'] as const);
await withRig({ logDir: join(dir, 'logs'), otlpEndpoint: endpoint, log }, infra, 'ingest_floor', {
  services: [...services], listeners: pipeline ? 10 : 0, endpoints: pipeline ? tenEndpoints : () => [], lag: [], lagIntervalMs: 1_000,
}, async (rig) => {
  const floorTopic = pipeline ? `${rig.world.prefix}.floor-events` : `${rig.world.prefix}.events`;
  const floorChildren: Child[] = [];
  if (pipeline) {
    await ensureTopics(rig.world.kafka, [{ topic: floorTopic }], { numPartitions: Number(rig.services.env.TOPIC_PARTITIONS ?? '6'), replicationFactor: 1 });
    const targets = Object.fromEntries(ENDPOINT_TYPES.map((type, i) => [type, `http://127.0.0.1:${rig.ports[i]}/hook`]));
    floorChildren.push(rig.startExtra('relay', 'bench/procs/baseline.ts', {
      KAFKA_BROKERS: infra.kafkaBrokers, BASELINE_TOPIC: floorTopic, BASELINE_GROUP: `${rig.world.prefix}.floor-relay`,
      BASELINE_TARGETS: JSON.stringify(targets), BASELINE_PARTITIONS: rig.services.env.TOPIC_PARTITIONS ?? '6',
    }, [...SERVICE_NODE_ARGS, ...profileArgs('relay')]));
    await prime(rig, ENDPOINT_TYPES);
  }
  const port = await freePort();
  const floor = rig.startExtra('floor', 'bench/procs/ingest-floor.ts', { KAFKA_BROKERS: infra.kafkaBrokers, FLOOR_TOPIC: floorTopic, FLOOR_PORT: String(port) }, [...SERVICE_NODE_ARGS, ...profileArgs('floor')]);
  floorChildren.unshift(floor);
  await waitForPort(port, 60_000);
  const ingest = rig.services.children.get('ingest')!;
  const sides = {
    hookline: { api: rig.services.api, answering: ingest, own: services.map((s) => rig.services.children.get(s)!) },
    floor: { api: `http://127.0.0.1:${port}`, answering: floor, own: floorChildren },
  };
  const shared = [rig.loadgen, ...(pipeline ? [rig.receiver] : [])];
  const types = pipeline ? ENDPOINT_TYPES : ['bench.ingest'];

  const drive = async (side: Side, ms: number, drainEvents = 0): Promise<LoadResult> => {
    if (pipeline) await rig.receiver.call({ cmd: 'reset' });
    const before = { received: (await rig.counts()).total, persisted: pipeline && side === 'hookline' ? await rig.persisted() : 0 };
    const shape = drainEvents > 0
      ? { concurrency: 32, durationMs: 300_000, maxEvents: drainEvents, recordSends: false }
      : { rate, concurrency: 64, durationMs: ms, maxEvents: Math.ceil((rate * ms) / 1000), recordSends: pipeline };
    const load = await rig.loadgen.call<LoadResult>({
      cmd: 'run', spec: { api: sides[side].api, apiKey: rig.apiKey, mode: 'single', types, payloadBytes: 1_024, ...shape },
    }, shape.durationMs + 120_000);
    // Every event delivered (and its attempt persisted, for Hookline) before the window closes: all of it is in the window's CPU.
    if (pipeline && !(await rig.until(async () => (await rig.counts()).total - before.received >= load.accepted, 300_000, 100))) {
      throw new Error(`${load.accepted} events published, not all received within 300 s`);
    }
    if (pipeline && side === 'hookline' && !(await rig.until(async () => (await rig.persisted()) - before.persisted >= load.accepted, 120_000, 100))) {
      throw new Error(`${load.accepted} events published, not every attempt persisted within 120 s`);
    }
    return load;
  };

  for (let i = 1; i <= rounds; i++) {
    for (const side of ['hookline', 'floor'] as const) {
      const { answering, own } = sides[side];
      await drive(side, 5_000);
      const procs = [...own, ...shared];
      const cpu0 = procs.map((c) => c.sample()!.cpuSeconds);
      const wake0 = wakeups(answering.pid);
      const infra0 = infraCpuSeconds();
      const busy0 = machineBusySeconds();
      const t0 = Date.now();
      const load = await drive(side, seconds * 1_000, drain);
      const elapsedS = (Date.now() - t0) / 1000;
      const busy = machineBusySeconds() - busy0;
      const infraCpu = infraCpuDelta(infra0, infraCpuSeconds());
      const per = (s: number) => round((s * 1000) / Math.max(1, load.accepted), 3);
      const cpuMs: Record<string, number> = Object.fromEntries(procs.map((c, k) => [c.name, per(c.sample()!.cpuSeconds - cpu0[k]!)]));
      cpuMs.broker = per(infraCpu.broker);
      if (pipeline) cpuMs.postgres = per(infraCpu.postgres);
      // Publish → received, from the load generator's send times and the receivers' first arrivals (pipeline only).
      const received = pipeline && drain === 0 ? summarize(endToEnd(load.sends, await rig.arrivals()).latencies) : undefined;
      const r: Round = {
        side, round: i, accepted: load.accepted, failures: load.failures, latency: load.latency, received,
        machineMs: per(busy), cpuMs, wakeups: round((wakeups(answering.pid) - wake0) / Math.max(1, load.accepted), 2),
        ...(drain > 0 ? { deliveriesPerS: round(load.accepted / elapsedS) } : {}),
      };
      results.push(r);
      log(`${side} round ${i}: ${r.accepted} events; CPU ms per event: machine ${r.machineMs}, ${Object.entries(cpuMs).map(([k, v]) => `${k} ${v}`).join(', ')}; ${answering.name} ${r.wakeups} wake-ups; publish p50 ${r.latency.p50} / p99 ${r.latency.p99} ms${received ? `; publish → received p50 ${received.p50} / p99 ${received.p99} ms` : ''}${r.deliveriesPerS ? `; ${r.deliveriesPerS} deliveries/s` : ''}`);
    }
  }
  return { metrics: {} };
});
await sink.stop();
await infra.release();

const summary = Object.fromEntries((['hookline', 'floor'] as const).map((side) => {
  const rs = results.filter((r) => r.side === side);
  const m = (f: (r: Round) => number) => median(rs.map(f));
  const names = Object.keys(rs[0]?.cpuMs ?? {});
  return [side, { machineMs: m((r) => r.machineMs), ...Object.fromEntries(names.map((n) => [n, m((r) => r.cpuMs[n] ?? 0)])), wakeups: m((r) => r.wakeups), p50: m((r) => r.latency.p50), p99: m((r) => r.latency.p99),
    ...(pipeline && drain === 0 ? { receivedP50: m((r) => r.received!.p50), receivedP99: m((r) => r.received!.p99) } : {}),
    ...(drain > 0 ? { deliveriesPerS: m((r) => r.deliveriesPerS!) } : {}) }];
}));
if (values.json) console.log(JSON.stringify({ mode: values.mode, rate, seconds, rounds: results, summary }, null, 2));
else {
  console.log(`\n${values.mode}: medians of ${rounds} rounds ${drain > 0 ? `draining ${drain} events` : `at ${rate}/s`} (CPU ms per event; publish latency ms):`);
  for (const [side, figures] of Object.entries(summary)) console.log(`  ${side.padEnd(8)} ${Object.entries(figures).map(([k, v]) => `${k} ${v}`).join(', ')}`);
}
if (process.env.BENCH_CPU_PROF) printProfileSummaries(process.env.BENCH_CPU_PROF, pipeline ? [...services, 'floor', 'relay'] : ['ingest', 'floor']);
process.exit(0);
