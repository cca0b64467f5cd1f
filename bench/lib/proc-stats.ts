import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** What /proc says about one process: peak resident memory and CPU time used so far. */
export interface ProcSample {
  /** Peak resident set size (VmHWM) in MiB. */
  peakRssMiB: number;
  /** Current resident set size (VmRSS) in MiB. */
  rssMiB: number;
  /** User + system CPU seconds (utime + stime). */
  cpuSeconds: number;
}

let ticks: number | undefined;
/** Clock ticks per second for /proc/<pid>/stat (getconf CLK_TCK, almost always 100). */
export function clockTicks(): number {
  if (ticks === undefined) {
    try {
      ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticks = 100;
    }
  }
  return ticks;
}

const kib = (status: string, field: string): number => {
  const match = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(status);
  return match ? Number(match[1]) : 0;
};

/** Reads /proc/<pid>/status and /proc/<pid>/stat; undefined when the process is gone (or not on Linux). */
export function sampleProc(pid: number): ProcSample | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: fields are counted after its last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return {
      peakRssMiB: Math.round(kib(status, 'VmHWM') / 102.4) / 10,
      rssMiB: Math.round(kib(status, 'VmRSS') / 102.4) / 10,
      cpuSeconds: Math.round(((utime + stime) / clockTicks()) * 100) / 100,
    };
  } catch {
    return undefined;
  }
}

/**
 * CPU-seconds the whole machine has been busy since boot (user, nice, system, irq, softirq of /proc/stat's first
 * line): differences of two readings count everything the pipeline cost, the broker and PostgreSQL included.
 */
export function machineBusySeconds(): number {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0] = cpu;
  return (user + nice + system + irq + softirq) / clockTicks();
}

/**
 * Context switches of every thread of `pid` so far (each thread's status under /proc/<pid>/task): `voluntary` counts
 * the times a thread went to sleep, `involuntary` the times it was preempted. Threads that end meanwhile are skipped.
 */
export function contextSwitches(pid: number): { voluntary: number; involuntary: number } {
  const n = { voluntary: 0, involuntary: 0 };
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      const status = readFileSync(`/proc/${pid}/task/${task}/status`, 'utf8');
      n.voluntary += Number(/^voluntary_ctxt_switches:\s+(\d+)/m.exec(status)?.[1] ?? 0);
      n.involuntary += Number(/^nonvoluntary_ctxt_switches:\s+(\d+)/m.exec(status)?.[1] ?? 0);
    } catch {
      // The thread ended while it was read.
    }
  }
  return n;
}
