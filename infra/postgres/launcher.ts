import fs from 'node:fs';
import path from 'node:path';
import { MISSING_BINARIES, findPgBin } from './binaries.ts';
import type { Cluster } from './cluster.ts';
import {
  binariesMajor,
  dataMajor,
  initCluster,
  isInitialised,
  isRunning,
  prepareDirs,
  runningPort,
  serverState,
  startCluster,
  stopCluster,
  writeSettings,
} from './cluster.ts';
import { freePort, portOpen } from '../common/net.ts';
import { isProcessAlive, readPid, waitUntil } from '../kafka/proc.ts';
import { databaseUrl, ensureDatabase, probePostgres } from './database.ts';
import { ensureServerUser, isRoot, lookupServerUser } from './os-user.ts';
import { pgPaths, resolveHome, resolvePort } from './paths.ts';

/** Options for {@link startPostgres}; every field has a sensible default. */
export interface StartPostgresOptions {
  /** Launcher state dir; defaults to `$HOOKLINE_HOME` or `<repo>/.hookline`. */
  home?: string;
  /** TCP port on 127.0.0.1; defaults to `$HOOKLINE_PG_PORT` or 55432. */
  port?: number;
  /** Delete the cluster before starting. Ignored when it is already running. */
  clean?: boolean;
  /** Progress messages; silent by default. */
  log?: (msg: string) => void;
  /** Called once this call starts a server of its own (not when it reuses one): from then on, stopping is the caller's. */
  onSpawn?: () => void;
  /**
   * When the port is taken by a server this launcher did not start (or is taken between the check and the server's
   * bind), start on a free port instead of reusing that server or failing. For test runs, which must not share a
   * server with whatever else runs on the machine. Our own running cluster is still reused, on whatever port it runs.
   */
  portFallback?: boolean;
}

/** Options for {@link stopPostgres}. */
export interface StopPostgresOptions {
  home?: string;
  /** Also delete the data dir once the server has stopped. */
  clean?: boolean;
  log?: (msg: string) => void;
}

/** What {@link postgresStatus} found. */
export interface PostgresStatus {
  /** True when the launcher's own cluster is running. */
  ours: boolean;
  /** Database URL when some server (ours or not) answers on the port. */
  databaseUrl?: string;
}

const noop = (): void => undefined;

/** The cluster for `home`, without creating anything (stop/status must not have side effects). */
async function existingCluster(home: string, bin: string | undefined): Promise<Cluster | undefined> {
  if (!bin) return undefined;
  const user = isRoot() ? await lookupServerUser() : undefined;
  return { bin, user, paths: pgPaths(home, user) };
}

async function reuse(port: number, log: (msg: string) => void): Promise<{ databaseUrl: string; reused: boolean }> {
  if (await ensureDatabase(port)) log('created database hookline');
  return { databaseUrl: databaseUrl(port), reused: true };
}

/**
 * Starts a throwaway PostgreSQL cluster on 127.0.0.1 (or reuses one already
 * running) and makes sure the `hookline` database exists. The server runs
 * detached and survives the calling process; call {@link stopPostgres} to end it.
 */
export async function startPostgres(opts: StartPostgresOptions = {}): Promise<{ databaseUrl: string; reused: boolean }> {
  const log = opts.log ?? noop;
  const home = resolveHome(opts.home);
  let port = resolvePort(opts.port);
  const bin = findPgBin();

  const existing = await existingCluster(home, bin);
  if (existing && serverState(existing) === 'stopping') {
    // Never reuse a server on its way out (an `npm start` stopped a moment ago): wait for it, then start afresh.
    log('PostgreSQL is shutting down; waiting for it to stop before starting it again');
    if (!(await waitUntil(async () => !(await isRunning(existing)), 60_000, 200))) {
      throw new Error(`PostgreSQL (${existing.paths.dataDir}) is still shutting down after 60 s; see ${existing.paths.logFile}`);
    }
  }
  if (existing && (await isRunning(existing))) {
    const running = runningPort(existing);
    if (opts.portFallback && running !== undefined) port = running;
    if (running !== undefined && running !== port) {
      throw new Error(`PostgreSQL (${existing.paths.dataDir}) is already running on port ${running}, not ${port}; stop it first`);
    }
    if (opts.clean) log('PostgreSQL is already running; not wiping its data (stop it with --clean for that)');
    log(`reusing running cluster ${existing.paths.dataDir} on port ${port}`);
    return reuse(port, log);
  }
  if (opts.portFallback && (await portOpen('127.0.0.1', port))) {
    const other = await freePort();
    log(`port ${port} is taken by a server this launcher did not start; starting PostgreSQL on port ${other} instead`);
    port = other;
  }
  if (await portOpen('127.0.0.1', port)) {
    const problem = await probePostgres(port);
    if (problem) throw new Error(`port ${port} is in use by something that is not a usable PostgreSQL (${problem})`);
    log(`a PostgreSQL server not started by this launcher already answers on port ${port}; reusing it`);
    return reuse(port, log);
  }
  if (!bin) throw new Error(MISSING_BINARIES);

  const user = isRoot() ? await ensureServerUser(log) : undefined;
  const cluster: Cluster = { bin, user, paths: pgPaths(home, user) };
  if (!cluster.paths.root.startsWith(home)) {
    log(`user ${user?.name} cannot reach ${home}; using ${cluster.paths.root} instead`);
  }
  if (opts.clean) {
    log(`wiping ${cluster.paths.dataDir}`);
    fs.rmSync(cluster.paths.dataDir, { recursive: true, force: true });
  }

  const started = Date.now();
  prepareDirs(cluster);
  if (!isInitialised(cluster)) {
    log(`initdb ${cluster.paths.dataDir}${user ? ` (as ${user.name})` : ''}`);
    await initCluster(cluster);
  } else {
    const [have, want] = [dataMajor(cluster), await binariesMajor(cluster)];
    if (have !== want) {
      throw new Error(`${cluster.paths.dataDir} was created by PostgreSQL ${have} but the binaries are ${want}; start with --clean to recreate it`);
    }
  }
  writeSettings(cluster);
  opts.onSpawn?.();
  for (let attempt = 1; ; attempt++) {
    try {
      await startCluster(cluster, port);
      break;
    } catch (error) {
      // Someone else bound the port after the check above: with a fallback, try another (the cluster never started).
      if (!opts.portFallback || attempt === 3 || !/Address already in use/.test((error as Error).message)) throw error;
      const other = await freePort();
      log(`port ${port} was taken while PostgreSQL started; starting it on port ${other} instead`);
      port = other;
    }
  }
  if (await ensureDatabase(port)) log('created database hookline');
  log(`PostgreSQL ready on port ${port} in ${((Date.now() - started) / 1000).toFixed(1)} s; log: ${cluster.paths.logFile}`);
  return { databaseUrl: databaseUrl(port), reused: false };
}

/**
 * Stops the launcher's cluster with a fast shutdown. A server it did not start
 * is left alone. `clean` then deletes the data dir.
 */
export async function stopPostgres(opts: StopPostgresOptions = {}): Promise<void> {
  const log = opts.log ?? noop;
  const home = resolveHome(opts.home);
  const cluster = await existingCluster(home, findPgBin());
  if (cluster && (await isRunning(cluster))) {
    log(`stopping PostgreSQL (${cluster.paths.dataDir})`);
    await stopCluster(cluster);
    log('PostgreSQL stopped');
  } else {
    log('PostgreSQL is not running');
  }
  if (opts.clean) {
    // Without binaries we cannot tell whether root fell back to tmpdir; the home layout is the best guess.
    const dataDir = cluster?.paths.dataDir ?? pgPaths(home, undefined).dataDir;
    log(`wiping ${dataDir}`);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * The postmaster's pid while this home's cluster runs (from postmaster.pid, no network: a connection to PostgreSQL forks
 * a backend, ~3 ms of CPU, and `npm start` watches it every 2 s).
 */
export async function postgresPid(opts: { home?: string } = {}): Promise<number | undefined> {
  const cluster = await existingCluster(resolveHome(opts.home), findPgBin());
  if (!cluster) return undefined;
  const pid = readPid(path.join(cluster.paths.dataDir, 'postmaster.pid'));
  return pid !== undefined && isProcessAlive(pid, cluster.paths.dataDir) ? pid : undefined;
}

/** Reports whether our cluster runs and whether any server answers on the port. */
export async function postgresStatus(opts: { home?: string; port?: number } = {}): Promise<PostgresStatus> {
  const cluster = await existingCluster(resolveHome(opts.home), findPgBin());
  const ours = cluster !== undefined && (await isRunning(cluster));
  const port = (ours && cluster ? runningPort(cluster) : undefined) ?? resolvePort(opts.port);
  const answers = (await portOpen('127.0.0.1', port)) && (await probePostgres(port)) === undefined;
  return { ours, ...(answers ? { databaseUrl: databaseUrl(port) } : {}) };
}
