import fs from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';

/**
 * Polls `check` every `intervalMs` until it returns true or `timeoutMs`
 * elapses; resolves to whether the condition was met.
 */
export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs: number, intervalMs = 250): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await delay(intervalMs);
  }
}

/** Pid recorded in `file`, or undefined when the file is missing or garbage. */
export function readPid(file: string): number | undefined {
  try {
    const pid = Number.parseInt(fs.readFileSync(file, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether `pid` is a live (non-zombie) process. When /proc is available and
 * `cmdlineMarker` is given, the command line must also contain it, so a pid
 * recycled by an unrelated process after a reboot is not mistaken for ours.
 */
export function isProcessAlive(pid: number, cmdlineMarker?: string): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    // ESRCH, or EPERM: it belongs to another user, so it is not a process we started.
    return false;
  }
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return true; // No procfs (macOS): kill(0) is the best signal we have.
  }
  // Field 3 follows the parenthesised command name, which may itself contain spaces.
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  if (state === 'Z' || state === 'X') return false;
  if (!cmdlineMarker) return true;
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(cmdlineMarker);
  } catch {
    return false;
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    // The child was spawned detached, so it leads its own process group.
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
}

/**
 * Sends SIGTERM to the process group led by `pid` and waits for `isAlive` to
 * turn false; after `graceMs` escalates to SIGKILL. Throws if even that fails.
 */
export async function terminateGroup(pid: number, isAlive: () => boolean, graceMs = 30_000): Promise<void> {
  if (!isAlive()) return;
  signalGroup(pid, 'SIGTERM');
  if (await waitUntil(() => !isAlive(), graceMs)) return;
  signalGroup(pid, 'SIGKILL');
  if (await waitUntil(() => !isAlive(), 5_000)) return;
  throw new Error(`process ${pid} did not exit after SIGKILL`);
}
