/**
 * What `npm start`'s whole stack costs while nothing happens: `npm start` itself (its supervisor and the watch on its
 * parts), the three services, the broker, PostgreSQL (the postmaster, its backends, and the backends it forked and
 * reaped meanwhile) and the registry, CPU per process over a window after the banner and a settling pause, and the
 * whole machine from /proc/stat. The scenario benchmarks run the services without `npm start`; this is the rest.
 *
 *   node bench/npm-start-idle.ts [--seconds 60] [--settle 20] [--rounds 1] [--port 18080] [--json out.json] [--tree dir]
 *
 * `--tree` runs `npm start` of another checkout (a worktree of an earlier commit, for a before/after), with this
 * checkout's home.
 * Uses the checkout's home (`HOOKLINE_HOME`, `.hookline`): a broker, database or registry running there is reused,
 * as `npm start` does; the demo application is left out (`HOOKLINE_DEMO=false`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { clockTicks, machineBusySeconds } from './lib/proc-stats.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    settle: { type: 'string', default: '20' },
    rounds: { type: 'string', default: '1' },
    port: { type: 'string', default: '18080' },
    json: { type: 'string' },
    tree: { type: 'string' },
  },
});
const here = join(import.meta.dirname, '..');
const root = values.tree ?? here;
const home = process.env.HOOKLINE_HOME ?? join(here, '.hookline');
const log = (m: string) => console.log(`[npm-start-idle ${new Date().toISOString().slice(11, 19)}] ${m}`);

interface Proc {
  pid: number;
  ppid: number;
  name: string;
  /** utime + stime, and cutime + cstime (its children reaped so far), in clock ticks. */
  own: number;
  reaped: number;
}

function processes(): Map<number, Proc> {
  const all = new Map<number, Proc>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ');
      all.set(Number(entry), { pid: Number(entry), ppid: Number(f[1]), name: label(name, cmdline), own: Number(f[11]) + Number(f[12]), reaped: Number(f[13]) + Number(f[14]) });
    } catch {
      // gone meanwhile
    }
  }
  return all;
}

/** Which part of the stack a process is, from its command line. */
function label(comm: string, cmdline: string): string {
  if (cmdline.includes('kafka.Kafka')) return 'broker';
  if (cmdline.includes('apicurio') || cmdline.includes('quarkus-run')) return 'registry';
  if (comm === 'postgres' || cmdline.includes('postgres:')) return 'postgres';
  if (cmdline.includes('infra/dev/start.ts')) return 'npm start (start.ts)';
  for (const service of ['ingest', 'dispatcher', 'tracker']) if (cmdline.includes(`services/${service}/`)) return service;
  if (comm === 'npm' || cmdline.startsWith('npm ')) return 'npm';
  if (comm === 'sh') return 'sh';
  return comm;
}

/** The stack's processes: everything under `npm start`, and the broker, PostgreSQL and the registry with their children. */
function stackOf(all: Map<number, Proc>, npmPid: number): Proc[] {
  const roots = [...all.values()].filter((p) => p.pid === npmPid || ['broker', 'registry'].includes(p.name) || (p.name === 'postgres' && all.get(p.ppid)?.name !== 'postgres'));
  const inStack = new Set(roots.map((p) => p.pid));
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of all.values()) {
      if (!inStack.has(p.pid) && inStack.has(p.ppid)) {
        inStack.add(p.pid);
        grew = true;
      }
    }
  }
  return [...all.values()].filter((p) => inStack.has(p.pid));
}

async function round(n: number): Promise<Record<string, number>> {
  let output = '';
  const child: ChildProcess = spawn('npm', ['start'], {
    cwd: root,
    detached: true,
    env: { ...process.env, HOOKLINE_HOME: home, HTTP_PORT: values.port, HOOKLINE_DEMO: 'false', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  try {
    const started = Date.now();
    while (!output.includes('Hookline is ready')) {
      if (child.exitCode !== null || Date.now() - started > 300_000) throw new Error(`npm start did not get ready:\n${output}`);
      await sleep(200);
    }
    log(`round ${n}: ready; settling ${values.settle} s, then measuring ${values.seconds} s`);
    await sleep(Number(values.settle) * 1_000);
    const before = stackOf(processes(), child.pid!);
    const busy0 = machineBusySeconds();
    const t0 = Date.now();
    await sleep(Number(values.seconds) * 1_000);
    const after = new Map(stackOf(processes(), child.pid!).map((p) => [p.pid, p]));
    const busy1 = machineBusySeconds();
    const seconds = (Date.now() - t0) / 1_000;
    // CPU per part, in cores: each process's own time, and its reaped children's (a connection's backend that ended).
    const parts: Record<string, number> = {};
    for (const p of before) {
      const q = after.get(p.pid);
      if (!q) continue; // ended within the window: its time is in its parent's reaped figure
      parts[p.name] = (parts[p.name] ?? 0) + (q.own - p.own + (q.reaped - p.reaped)) / clockTicks() / seconds;
    }
    const stack = Object.values(parts).reduce((a, b) => a + b, 0);
    const result = { ...Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, Math.round(v * 10_000) / 10_000])), stack: Math.round(stack * 10_000) / 10_000, machine: Math.round(((busy1 - busy0) / seconds) * 10_000) / 10_000 };
    log(`round ${n}: ${Object.entries(result).map(([k, v]) => `${k} ${v}`).join(', ')} (cores)`);
    return result;
  } finally {
    if (child.exitCode === null) {
      process.kill(-child.pid!, 'SIGINT');
      await once(child, 'exit');
    }
  }
}

const results = [];
for (let n = 1; n <= Number(values.rounds); n++) results.push(await round(n));
if (values.json) writeFileSync(values.json, `${JSON.stringify({ date: new Date().toISOString(), tree: root, seconds: Number(values.seconds), settle: Number(values.settle), rounds: results }, null, 2)}\n`);
