/**
 * How big each service's young generation is, and how many minor GCs it makes, around an idle window: after 40 s
 * of 200 single publishes/s, after 30 s idle, and after 60 s at 100/s (from the services' `/metrics`). Shows what
 * `IDLE_MEMORY_RELEASE` leaves the next load with.
 *
 *   node bench/young-generation.ts
 *   IDLE_ENV='{"IDLE_MEMORY_RELEASE":"true"}' node bench/young-generation.ts
 *
 * Uses KAFKA_BROKERS / DATABASE_URL when set, else the local launchers (as every bench script does).
 */
import os from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { acquireInfra } from './lib/infra.ts';
import { prime, tenEndpoints, withRig } from './scenarios/common.ts';
import { meter } from './lib/meter.ts';
import { ENDPOINT_TYPES } from './sizes.ts';

const log = (m: string) => console.log(`[young-generation ${new Date().toISOString().slice(11, 19)}] ${m}`);
const infra = await acquireInfra(log);
await withRig({ logDir: join(os.tmpdir(), `hookline-young-generation-${Date.now()}`), otlpEndpoint: undefined, log }, infra, 'young-generation', {
  services: ['ingest', 'dispatcher', 'tracker'], listeners: 10, env: JSON.parse(process.env.IDLE_ENV ?? '{}') as Record<string, string>,
  endpoints: tenEndpoints, lag: [], lagIntervalMs: 1_000,
}, async (rig) => {
  const spaces = async (label: string) => {
    const out: string[] = [];
    for (const [name, url] of rig.services.urls) {
      const text = await (await fetch(`${url}/metrics`)).text();
      const m = /^hookline_nodejs_heap_space_size_total_bytes\{[^}]*space="new"[^}]*\} ([0-9.e+]+)$/m.exec(text);
      const minor = /^hookline_nodejs_gc_duration_seconds_count\{[^}]*kind="minor"[^}]*\} ([0-9.e+]+)$/m.exec(text)?.[1] ?? '?';
      out.push(`${name} new ${m ? (Number(m[1]) / 1048576).toFixed(0) : '?'} MiB, minor GCs ${minor}`);
    }
    log(`${label}: ${out.join('; ')}`);
  };
  await prime(rig, ENDPOINT_TYPES);
  const load = (rate: number, s: number) => rig.load({ mode: 'single', rate, concurrency: 64, durationMs: s * 1000 + 30_000, maxEvents: rate * s, types: ENDPOINT_TYPES, payloadBytes: 1024, recordSends: false });
  await load(200, 40);
  await spaces('after 40 s at 200/s');
  await sleep(30_000);
  await spaces('after 30 s idle');
  const m = await meter(rig);
  await load(100, 60);
  const r = await m.stop(6000);
  await spaces('after 60 s at 100/s');
  log(`100/s: machine ${r.metrics.cpu_ms_per_event} ms/event; ${JSON.stringify(r.details.cpuMsPerEventByProcess)}`);
  return { metrics: {} };
});
await infra.release();
process.exit(0);
