import { setTimeout as sleep } from 'node:timers/promises';
import { waitFor } from '@hookline/testing';
import type { Fault } from './analysis.ts';
import type { ChaosInfra } from './chaos-infra.ts';
import type { ServiceProcess } from './services.ts';

/** The processes a fault can hit. */
export interface Targets {
  infra: ChaosInfra;
  dispatchers: readonly [ServiceProcess, ServiceProcess];
  tracker: ServiceProcess;
  /** Every service, to wait until all are ready again after a fault. */
  all: readonly ServiceProcess[];
}

type Step = { at: number; run: (t: Targets, cutMs: number) => Promise<Omit<Fault, 'start' | 'end'>> };

const kill = (which: (t: Targets) => ServiceProcess, kind: Fault['kind']): Step['run'] => async (t) => {
  const s = which(t);
  await s.kill();
  return { kind, target: s.name };
};

/**
 * The faults of a run, at fractions of the publishing time: 3 dispatcher SIGKILLs, 2 tracker SIGKILLs, a broker
 * restart, a PostgreSQL restart and a network cut between the second dispatcher and the broker.
 */
export const plan: readonly Step[] = [
  { at: 0.08, run: kill((t) => t.dispatchers[0], 'dispatcher SIGKILL') },
  { at: 0.16, run: kill((t) => t.tracker, 'tracker SIGKILL') },
  {
    at: 0.24,
    run: async (t, cutMs) => {
      t.infra.proxy.cut();
      await sleep(cutMs); // The outage's length is the fault itself, not a wait for a state.
      t.infra.proxy.restore();
      return { kind: 'network cut dispatcher↔broker', target: t.dispatchers[1].name };
    },
  },
  { at: 0.36, run: async (t) => (await t.infra.restartBroker(), { kind: 'broker restart', target: 'kafka' }) },
  { at: 0.5, run: kill((t) => t.dispatchers[1], 'dispatcher SIGKILL') },
  { at: 0.6, run: async (t) => (await t.infra.restartPostgres(), { kind: 'PostgreSQL restart', target: 'postgresql' }) },
  { at: 0.7, run: kill((t) => t.tracker, 'tracker SIGKILL') },
  { at: 0.8, run: kill((t) => t.dispatchers[0], 'dispatcher SIGKILL') },
];

/**
 * Runs the plan from `startedAt` over `durationMs`: each fault at its time (or once the one before it has been
 * inflicted), without waiting for the system to recover in between, so recoveries overlap the next faults. A fault
 * ends when every service answers /readyz again after it; returns each fault with its start and end.
 */
export async function injectFaults(t: Targets, startedAt: number, durationMs: number, cutMs: number, log: (msg: string) => void): Promise<Fault[]> {
  const recoveries: Array<Promise<Fault>> = [];
  for (const step of plan) {
    const due = startedAt + step.at * durationMs;
    if (due > Date.now()) await sleep(due - Date.now()); // Pacing the schedule.
    const start = Date.now();
    const what = await step.run(t, cutMs);
    log(`fault: ${what.kind} (${what.target}) at +${((start - startedAt) / 1000).toFixed(1)} s`);
    const recovery = waitFor(async () => (await Promise.all(t.all.map((s) => s.ready()))).every(Boolean), {
        timeoutMs: 180_000,
        intervalMs: 250,
        description: `every service ready after the ${what.kind} of ${what.target}`,
      }).then(() => {
        const fault = { ...what, start, end: Date.now() };
        log(`recovered from ${fault.kind} (${fault.target}) in ${((fault.end - start) / 1000).toFixed(1)} s`);
        return fault;
      })
      .catch((e: Error) => {
        const waiting = t.all.map((s) => `${s.name} (pid restarts ${s.restarts.length}): ${s.lastNotReady}`).join('; ');
        throw new Error(`${e.message}; last /readyz answers that were not 200: ${waiting}`);
      });
    recovery.catch(() => {}); // Reported by the Promise.all below, not as an unhandled rejection meanwhile.
    recoveries.push(recovery);
  }
  return Promise.all(recoveries);
}
