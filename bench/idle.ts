/**
 * What an idle stack costs, per service: CPU cores, context switches per second (all threads) and RSS, over a window
 * of `IDLE_S` seconds (default 30) after the services started, primed and settled for 5 s.
 *
 *   node bench/idle.ts                                    # the services with their defaults
 *   IDLE_ENV='{"TRACKER_FETCH_MAX_WAIT":"250ms"}' node bench/idle.ts   # with other settings
 *
 * Uses KAFKA_BROKERS / DATABASE_URL when set, else the local launchers (as every bench script does).
 */
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { acquireInfra } from './lib/infra.ts';
import { prime, withRig } from './scenarios/common.ts';
import { ENDPOINT_TYPES } from './sizes.ts';
import type { ServiceName } from './lib/services.ts';

/** Context switches (voluntary and not) of every thread of `pid` so far. */
function contextSwitches(pid: number): number {
  let n = 0;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      const status = readFileSync(`/proc/${pid}/task/${task}/status`, 'utf8');
      n += Number(/\nvoluntary_ctxt_switches:\s+(\d+)/.exec(status)?.[1] ?? 0) + Number(/nonvoluntary_ctxt_switches:\s+(\d+)/.exec(status)?.[1] ?? 0);
    } catch {
      // The thread ended while it was read.
    }
  }
  return n;
}

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
  endpoints: (ports) => ports.map((p, i) => ({ url: `http://127.0.0.1:${p}/hook`, eventTypes: [ENDPOINT_TYPES[i]!] })), lag: [], lagIntervalMs: 1_000,
}, async (rig) => {
  await prime(rig, ENDPOINT_TYPES);
  await sleep(5_000);
  const services = [...rig.services.children.values()];
  const before = services.map((c) => ({ cpu: c.sample()?.cpuSeconds ?? 0, switches: contextSwitches(c.proc.pid!) }));
  await sleep(seconds * 1_000);
  for (const [i, c] of services.entries()) {
    const s = c.sample();
    log(`${c.name}: ${(((s?.cpuSeconds ?? 0) - before[i]!.cpu) / seconds).toFixed(4)} cores, ${((contextSwitches(c.proc.pid!) - before[i]!.switches) / seconds).toFixed(0)} context switches/s, RSS ${s?.rssMiB} MiB${await heapOf(rig.services.urls.get(c.name as ServiceName))}`);
  }
  return { metrics: {} };
});
await infra.release();
process.exit(0);
