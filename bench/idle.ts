/**
 * What an idle stack costs, per service: CPU cores, context switches per second (all threads) and RSS, over a window
 * of `IDLE_S` seconds (default 30) after the services started, primed and settled for 5 s; and over the same window
 * the whole machine, the broker and PostgreSQL (cores) and the services' Kafka requests per second by client and API.
 *
 *   node bench/idle.ts                                    # the services with their defaults
 *   IDLE_ENV='{"TRACKER_FETCH_MAX_WAIT":"250ms"}' node bench/idle.ts   # with other settings
 *   IDLE_AFTER_LOAD=200:60 node bench/idle.ts             # idle after 60 s of 200 single publishes/s (what a stack keeps)
 *
 * Uses KAFKA_BROKERS / DATABASE_URL when set, else the local launchers (as every bench script does).
 */
import os from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { acquireInfra } from './lib/infra.ts';
import { meter } from './lib/meter.ts';
import { contextSwitches } from './lib/proc-stats.ts';
import { prime, tenEndpoints, withRig } from './scenarios/common.ts';
import { ENDPOINT_TYPES } from './sizes.ts';
import type { ServiceName } from './lib/services.ts';

/** Context switches (voluntary and not) of every thread of `pid` so far. */
const switchesOf = (pid: number): number => {
  const n = contextSwitches(pid);
  return n.voluntary + n.involuntary;
};

/** The V8 heap and external memory a service reports on its `/metrics` (where RSS goes). */
async function heapOf(url: string | undefined): Promise<string> {
  if (!url) return '';
  try {
    const text = await (await fetch(`${url}/metrics`)).text();
    const mib = (name: string) => {
      const m = new RegExp(`^hookline_${name}(?:\\{[^}]*\\})? ([0-9.e+]+)$`, 'm').exec(text);
      return m ? (Number(m[1]) / 1_048_576).toFixed(1) : '?';
    };
    return ` (heap used ${mib('nodejs_heap_size_used_bytes')} of ${mib('nodejs_heap_size_total_bytes')} MiB, external ${mib('nodejs_external_memory_bytes')} MiB)`;
  } catch {
    return '';
  }
}

const seconds = Number(process.env.IDLE_S ?? 30);
const log = (m: string) => console.log(`[idle ${new Date().toISOString().slice(11, 19)}] ${m}`);
const infra = await acquireInfra(log);
await withRig({ logDir: join(os.tmpdir(), `hookline-idle-${Date.now()}`), otlpEndpoint: undefined, log }, infra, 'idle', {
  services: ['ingest', 'dispatcher', 'tracker'], listeners: 10, env: JSON.parse(process.env.IDLE_ENV ?? '{}') as Record<string, string>,
  endpoints: tenEndpoints, lag: [], lagIntervalMs: 1_000,
}, async (rig) => {
  await prime(rig, ENDPOINT_TYPES);
  const afterLoad = /^(\d+):(\d+)$/.exec(process.env.IDLE_AFTER_LOAD ?? '');
  if (afterLoad) {
    const [rate, loadSeconds] = [Number(afterLoad[1]), Number(afterLoad[2])];
    const before = (await rig.counts()).total;
    const load = await rig.load({ mode: 'single', rate, concurrency: 64, durationMs: loadSeconds * 1_000 + 30_000, maxEvents: rate * loadSeconds, types: ENDPOINT_TYPES, payloadBytes: 1024, recordSends: false });
    await rig.until(async () => (await rig.counts()).total - before >= load.accepted, 120_000, 250);
    log(`load: ${load.accepted} events at ${rate}/s delivered`);
  }
  await sleep(5_000);
  const services = [...rig.services.children.values()];
  const before = services.map((c) => ({ cpu: c.sample()?.cpuSeconds ?? 0, switches: switchesOf(c.proc.pid!) }));
  const metered = await meter(rig);
  await sleep(seconds * 1_000);
  // Per "event" over a window of one event: CPU-ms and requests over the whole window.
  const { metrics, details } = await metered.stop(1);
  const window = metrics.seconds ?? seconds;
  const cpuMs = details.cpuMsPerEventByProcess as Record<string, number>;
  log(`machine: ${metrics.machine_cores} cores; broker ${(cpuMs.broker! / 1000 / window).toFixed(4)}, postgres ${(cpuMs.postgres! / 1000 / window).toFixed(4)} cores`);
  const requests = Object.entries(details.kafkaRequestsPerEvent as Record<string, number>).filter(([k]) => !k.includes(' admin '));
  log(`Kafka requests/s: ${requests.map(([k, n]) => `${k} ${(n / window).toFixed(2)}`).join(', ') || 'none'}`);
  for (const [i, c] of services.entries()) {
    const s = c.sample();
    log(`${c.name}: ${(((s?.cpuSeconds ?? 0) - before[i]!.cpu) / seconds).toFixed(4)} cores, ${((switchesOf(c.proc.pid!) - before[i]!.switches) / seconds).toFixed(0)} context switches/s, RSS ${s?.rssMiB} MiB${await heapOf(rig.services.urls.get(c.name as ServiceName))}`);
  }
  return { metrics: {} };
});
await infra.release();
process.exit(0);
