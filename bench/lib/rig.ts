import { setTimeout as sleep } from 'node:timers/promises';
import { createPool } from '@hookline/db';
import type pg from 'pg';
import type { LoadResult, LoadSpec } from '../procs/loadgen.ts';
import { abortController, startChild, type Child } from './children.ts';
import { createWorld, type Infra, type World } from './infra.ts';
import { startLagMonitor, type LagSeries } from './lag-monitor.ts';
import { provision, startServices, type BenchContext, type ServiceName, type Services } from './services.ts';

/** What the receiver counted so far. */
export interface Counts {
  perListener: number[];
  total: number;
  duplicates: number;
  hung: number;
  at: number;
}

/** Peak memory and CPU time of one process over a scenario run (`windowCpuSeconds`: inside the measured window). */
export interface ProcessFigures {
  peakRssMiB: number;
  cpuSeconds: number;
  windowCpuSeconds?: number;
}

export interface RigOptions {
  services: ServiceName[];
  /** Receiver listeners (one per endpoint). */
  listeners: number;
  /** The endpoints to create, given the receiver's ports (none: no tenant setup beyond the API key). */
  endpoints: (ports: number[]) => Array<{ url: string; eventTypes: string[] }>;
  /** Consumer groups (suffix after the prefix) and topics (suffix) whose lag is sampled. */
  lag: Array<{ group: string; topic: string }>;
  lagIntervalMs: number;
  /** Environment added to every service (e.g. SCHEMA_REGISTRY_URL). */
  env?: Record<string, string>;
}

/**
 * One scenario run's world: its own topics and schema, the receiver, the load generator and the chosen services,
 * each a separate process; consumer lag sampled throughout. `close()` stops everything and deletes the world.
 */
export class Rig {
  readonly world: World;
  readonly ctx: BenchContext;
  services!: Services;
  receiver!: Child;
  loadgen!: Child;
  ports: number[] = [];
  apiKey = '';
  tenantId = '';
  endpointIds: string[] = [];
  readonly extra: Child[] = [];
  #lag?: Awaited<ReturnType<typeof startLagMonitor>>;
  #lagSeries: LagSeries[] = [];
  #pool?: pg.Pool;
  #window?: Map<string, number>;
  #windowCpu = new Map<string, number>();

  private constructor(ctx: BenchContext, world: World) {
    this.ctx = ctx;
    this.world = world;
  }

  static async open(ctx: BenchContext, infra: Infra, name: string, opts: RigOptions): Promise<Rig> {
    const rig = new Rig(ctx, createWorld(infra, name));
    try {
      rig.receiver = startChild({ name: 'receiver', script: 'bench/procs/receiver.ts', logDir: ctx.logDir, ipc: true });
      rig.loadgen = startChild({ name: 'loadgen', script: 'bench/procs/loadgen.ts', logDir: ctx.logDir, ipc: true });
      rig.ports = (await rig.receiver.call<{ ports: number[] }>({ cmd: 'listen', count: opts.listeners })).ports;
      rig.services = await startServices(ctx, rig.world, opts.services, opts.env);
      const provisioned = await provision(rig.services, opts.endpoints(rig.ports));
      rig.apiKey = provisioned.apiKey;
      rig.tenantId = provisioned.tenantId;
      rig.endpointIds = provisioned.endpointIds;
      const p = rig.world.prefix;
      rig.#lag = await startLagMonitor(rig.world.kafka, opts.lag.map((l) => ({ group: `${p}.${l.group}`, topic: `${p}.${l.topic}` })), opts.lagIntervalMs);
    } catch (err) {
      await rig.close();
      throw err;
    }
    return rig;
  }

  get children(): Child[] {
    return [...(this.services?.children.values() ?? []), ...this.extra, this.receiver, this.loadgen].filter(Boolean);
  }

  /** Starts another process in this run (e.g. the baseline consumer); stopped and measured with the rest. */
  startExtra(name: string, script: string, env: Record<string, string>, nodeArgs?: string[]): Child {
    const child = startChild({ name, script, env, nodeArgs, logDir: this.ctx.logDir });
    this.extra.push(child);
    return child;
  }

  load(spec: Omit<LoadSpec, 'api' | 'apiKey'>, timeoutMs = spec.durationMs + 120_000): Promise<LoadResult> {
    return this.loadgen.call<LoadResult>({ cmd: 'run', spec: { ...spec, api: this.services.api, apiKey: this.apiKey } }, timeoutMs);
  }

  counts(): Promise<Counts> {
    return this.receiver.call<Counts>({ cmd: 'counts' });
  }

  async arrivals(): Promise<Array<Map<string, number>>> {
    return (await this.receiver.call<{ arrivals: Array<Map<string, number>> }>({ cmd: 'arrivals' }, 120_000)).arrivals;
  }

  async receiverMode(mode: 'ok' | 'hang' | 'down', indexes?: number[]): Promise<void> {
    await this.receiver.call({ cmd: 'mode', mode, ...(indexes ? { indexes } : {}) });
  }

  /** Attempt rows the tracker has written so far. */
  async persisted(): Promise<number> {
    this.#pool ??= createPool({ url: this.world.infra.databaseUrl, schema: this.world.schema, max: 1, applicationName: 'hookline-bench' });
    const { rows } = await this.#pool.query<{ n: number }>('SELECT count(*)::int AS n FROM attempts');
    return rows[0]!.n;
  }

  async query<T extends pg.QueryResultRow>(sql: string): Promise<T[]> {
    await this.persisted();
    return (await this.#pool!.query<T>(sql)).rows;
  }

  latestLag(): number[] {
    return this.#lag?.latest() ?? [];
  }

  /** Marks the start of the measured window (CPU seconds per process from here). */
  windowStart(): void {
    this.#window = new Map(this.children.map((c) => [c.name, c.sample()?.cpuSeconds ?? 0]));
  }

  windowEnd(): void {
    for (const c of this.children) this.#windowCpu.set(c.name, Math.round(((c.sample()?.cpuSeconds ?? 0) - (this.#window?.get(c.name) ?? 0)) * 100) / 100);
  }

  /** Polls `check` every `everyMs` until it is true, `timeoutMs` passes or the run is interrupted; returns whether it held. */
  async until(check: () => Promise<boolean>, timeoutMs: number, everyMs = 250): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && !abortController.signal.aborted) {
      if (await check()) return true;
      await sleep(everyMs);
    }
    return false;
  }

  /** Stops every process, deletes the world; returns per-process figures and the lag series. */
  async close(): Promise<{ processes: Record<string, ProcessFigures>; lag: LagSeries[]; died: string[] }> {
    // A service that exited before the harness stopped it makes the run's figures meaningless.
    const died = [...(this.services?.children.values() ?? [])]
      .filter((c) => c.proc.exitCode !== null || c.proc.signalCode !== null)
      .map((c) => `${c.name} (exit ${c.proc.exitCode ?? c.proc.signalCode}; see ${c.logFile})`);
    const processes: Record<string, ProcessFigures> = {};
    for (const c of this.children) {
      const s = c.sample();
      if (s) processes[c.name] = { peakRssMiB: s.peakRssMiB, cpuSeconds: s.cpuSeconds, ...(this.#windowCpu.has(c.name) ? { windowCpuSeconds: this.#windowCpu.get(c.name)! } : {}) };
    }
    if (this.#lag) this.#lagSeries = await this.#lag.stop().catch(() => []);
    await Promise.allSettled(this.children.map((c) => c.stop()));
    await this.#pool?.end().catch(() => {});
    // For investigating a run afterwards; whoever sets it deletes the topics and schema by hand.
    if (process.env.BENCH_KEEP_WORLD === 'true') this.ctx.log(`kept topics ${this.world.prefix}.* and schema ${this.world.schema} (BENCH_KEEP_WORLD=true)`);
    else await this.world.cleanup().catch((err: unknown) => this.ctx.log(`cleanup of ${this.world.prefix} failed: ${String(err)}`));
    return { processes, lag: this.#lagSeries, died };
  }
}
