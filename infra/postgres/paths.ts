import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { OsUser } from './os-user.ts';

/** Off the standard 5432 so a system PostgreSQL on the same machine does not collide. */
export const DEFAULT_PG_PORT = 55432;

/** Every file the PostgreSQL launcher reads or writes. */
export interface PgPaths {
  root: string;
  dataDir: string;
  runDir: string;
  logFile: string;
}

/**
 * Resolves the launcher's home: explicit option, then `HOOKLINE_HOME`, then
 * `<repo root>/.hookline` (the repo root being two levels above this file).
 */
export function resolveHome(home?: string): string {
  if (home) return path.resolve(home);
  if (process.env.HOOKLINE_HOME) return path.resolve(process.env.HOOKLINE_HOME);
  return path.resolve(import.meta.dirname, '..', '..', '.hookline');
}

/** Resolves the port: explicit option, then `HOOKLINE_PG_PORT`, then 55432. */
export function resolvePort(port?: number): number {
  if (port !== undefined) return port;
  const fromEnv = Number(process.env.HOOKLINE_PG_PORT);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : DEFAULT_PG_PORT;
}

/** Whether `user` may search (x bit) an existing directory, judged from its mode bits. */
function canSearch(dir: string, user: OsUser): boolean {
  const stat = fs.statSync(dir);
  if (stat.uid === user.uid) return (stat.mode & 0o100) !== 0;
  if (stat.gid === user.gid) return (stat.mode & 0o010) !== 0;
  return (stat.mode & 0o001) !== 0;
}

/** Whether every existing ancestor of `dir` (and `dir` itself) is searchable by `user`. */
function reachable(dir: string, user: OsUser): boolean {
  for (let current = dir; ; current = path.dirname(current)) {
    if (fs.existsSync(current) && !canSearch(current, user)) return false;
    if (path.dirname(current) === current) return true;
  }
}

/**
 * Lays out the cluster's files under `<home>/postgres`. When running as root
 * the server runs as `user`, which must be able to reach that directory. A repo
 * under e.g. /root (mode 700) is not, and chmod-ing someone's home is not our
 * call, so we fall back to a per-home directory under os.tmpdir() instead. The
 * choice is a pure function of the file system, so start/stop/status agree.
 */
export function pgPaths(home: string, user: OsUser | undefined): PgPaths {
  let root = path.join(home, 'postgres');
  if (user && !reachable(root, user)) {
    const tag = createHash('sha256').update(home).digest('hex').slice(0, 12);
    root = path.join(os.tmpdir(), `hookline-postgres-${tag}`);
  }
  return {
    root,
    dataDir: path.join(root, 'data'),
    runDir: path.join(root, 'run'),
    logFile: path.join(root, 'postgres.log'),
  };
}
