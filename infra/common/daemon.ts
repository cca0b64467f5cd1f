import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { isProcessAlive, readPid, terminateGroup, waitUntil } from '../kafka/proc.ts';
import { tailFile } from './exec.ts';

/** Where a launcher keeps one detached server's pid and log, and how it recognises that server's process. */
export interface DaemonFiles {
  /** How messages name it ("Jaeger", "Prometheus"). */
  name: string;
  pidFile: string;
  logFile: string;
  /** An exact argument of the server's command line, so a recycled pid is never taken for it. */
  marker: string;
}

/** Start-time rotation only: enough to stop a long-lived dev checkout's log growing forever. */
const MAX_LOG_BYTES = 20 * 1024 * 1024;

/**
 * The servers this process spawned, by pid, until they exit: a launcher knows its own child without matching its
 * command line in /proc, which is for a server an earlier run left behind.
 */
const children = new Map<number, ChildProcess>();

/**
 * Whether `pid` is a server whose command line holds `marker` and still runs. A child of this process is ours without
 * reading its command line: it runs until its exit is seen or /proc shows it dead (a zombie not yet reaped). Any other
 * pid must also show the marker.
 */
export function daemonRuns(pid: number, marker: string): boolean {
  const child = children.get(pid);
  if (child) return child.exitCode === null && child.signalCode === null && isProcessAlive(pid);
  return isProcessAlive(pid, marker);
}

const runs = (files: DaemonFiles, pid: number): boolean => daemonRuns(pid, files.marker);

/** The pid of the server these files describe, when it is alive (a stale pid file is removed). */
export function livePid(files: DaemonFiles): number | undefined {
  const pid = readPid(files.pidFile);
  if (pid === undefined) return undefined;
  if (runs(files, pid)) return pid;
  fs.rmSync(files.pidFile, { force: true });
  return undefined;
}

/**
 * Spawns `command` detached (its own process group, so it outlives the caller), logging to the log file after a
 * line "=== hookline launcher: starting <what> at <time> ===" (`what`: the name unless given); `env` adds to the
 * caller's environment.
 */
export function spawnDaemon(files: DaemonFiles, command: string, args: readonly string[], cwd: string, env?: Record<string, string>, what = files.name): number {
  if (fs.existsSync(files.logFile) && fs.statSync(files.logFile).size > MAX_LOG_BYTES) fs.renameSync(files.logFile, `${files.logFile}.1`);
  fs.appendFileSync(files.logFile, `\n=== hookline launcher: starting ${what} at ${new Date().toISOString()} ===\n`);
  const logFd = fs.openSync(files.logFile, 'a');
  try {
    const child = spawn(command, args, { cwd, detached: true, stdio: ['ignore', logFd, logFd], ...(env ? { env: { ...process.env, ...env } } : {}) });
    child.on('error', () => undefined); // Surfaces as "exited during startup".
    child.unref();
    if (child.pid === undefined) throw new Error(`could not spawn ${command}`);
    const pid = child.pid;
    children.set(pid, child);
    child.once('exit', () => children.delete(pid));
    fs.writeFileSync(files.pidFile, `${pid}\n`);
    return pid;
  } finally {
    fs.closeSync(logFd);
  }
}

/**
 * Waits until `ready` answers true, looking every `intervalMs`; throws (with the log's last lines) when the server
 * exits or the time runs out. `where` ("on 127.0.0.1:9092") names what was not ready in that message.
 */
export async function waitForDaemon(
  files: DaemonFiles,
  pid: number,
  ready: () => Promise<boolean>,
  timeoutMs: number,
  opts: { where?: string; intervalMs?: number } = {},
): Promise<void> {
  let exited = false;
  const ok = await waitUntil(
    async () => {
      exited = !runs(files, pid);
      return exited || (await ready());
    },
    timeoutMs,
    opts.intervalMs ?? 250,
  );
  if (exited) throw new Error(`${files.name} (pid ${pid}) exited during startup. Last lines of ${files.logFile}:\n${tailFile(files.logFile)}`);
  const where = opts.where ? ` ${opts.where}` : '';
  if (!ok) throw new Error(`${files.name} (pid ${pid}) not ready${where} after ${timeoutMs / 1000} s. Last lines of ${files.logFile}:\n${tailFile(files.logFile)}`);
}

/** Stops the server these files describe (SIGTERM to its group, SIGKILL after the grace time); true if one ran. */
export async function stopDaemon(files: DaemonFiles, graceMs = 15_000): Promise<boolean> {
  const pid = livePid(files);
  if (pid !== undefined) await terminateGroup(pid, () => runs(files, pid), graceMs);
  fs.rmSync(files.pidFile, { force: true });
  return pid !== undefined;
}

/** Whether an HTTP GET of `url` answers 2xx within a second. */
export async function httpOk(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1_000) });
    await res.body?.cancel();
    return res.ok;
  } catch {
    return false;
  }
}
