import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { which } from '../common/exec.ts';
import { httpOk, livePid, spawnDaemon, stopDaemon, waitForDaemon, type DaemonFiles } from '../common/daemon.ts';
import { portOpen } from '../common/net.ts';
import { resolveHome } from '../kafka/paths.ts';
import { exporterDataSource } from './data-source.ts';

/** Port of the exporter's `/metrics` unless `HOOKLINE_PG_EXPORTER_PORT` or the caller names another (the exporter's own default). */
export const DEFAULT_PG_EXPORTER_PORT = 9187;

/** Options for {@link startPostgresExporter}. */
export interface StartPostgresExporterOptions {
  /** The database to watch: a `postgres://` URL, as the services use. */
  databaseUrl: string;
  /** Launcher state dir; defaults to `$HOOKLINE_HOME` or `<repo>/.hookline`. */
  home?: string;
  /** Port of `/metrics` on 127.0.0.1; defaults to `$HOOKLINE_PG_EXPORTER_PORT` or 9187. */
  port?: number;
  log?: (msg: string) => void;
  onSpawn?: () => void;
}

const READY_TIMEOUT_MS = 30_000;
const QUERIES = path.join(import.meta.dirname, 'queries.yml');

export function resolvePgExporterPort(port?: number): number {
  if (port !== undefined) return port;
  const fromEnv = Number(process.env.HOOKLINE_PG_EXPORTER_PORT);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : DEFAULT_PG_EXPORTER_PORT;
}

function layout(home?: string) {
  const runDir = path.join(resolveHome(home), 'postgres-exporter');
  const queries = path.join(runDir, 'queries.yml');
  const files: DaemonFiles = {
    name: 'PostgreSQL exporter',
    pidFile: path.join(runDir, 'postgres-exporter.pid'),
    logFile: path.join(runDir, 'postgres-exporter.log'),
    // The home's own copy of the queries: a recycled pid, or another home's exporter, is never taken for this one.
    marker: `--extend.query-path=${queries}`,
  };
  return { runDir, queries, files, stateFile: path.join(runDir, 'started.json') };
}

/** The Debian package's binary (`apt-get install prometheus-postgres-exporter`), or `postgres_exporter` on PATH. */
export function findPostgresExporter(): string {
  const found = which('prometheus-postgres-exporter') ?? which('postgres_exporter');
  if (!found) throw new Error('the PostgreSQL exporter is not on PATH (Debian: apt-get install prometheus-postgres-exporter)');
  return found;
}

const fingerprint = (dataSource: string, port: number) => createHash('sha256').update(`${port} ${dataSource}`).digest('hex');

/**
 * Starts Prometheus' PostgreSQL exporter for `databaseUrl` (or reuses the one this home runs for the same database
 * and port) and resolves with its `/metrics` URL once it answers. It runs detached; {@link stopPostgresExporter} ends it.
 */
export async function startPostgresExporter(opts: StartPostgresExporterOptions): Promise<{ url: string; reused: boolean }> {
  const log = opts.log ?? (() => undefined);
  const { runDir, queries, files, stateFile } = layout(opts.home);
  const port = resolvePgExporterPort(opts.port);
  const dataSource = exporterDataSource(opts.databaseUrl);
  const url = `http://127.0.0.1:${port}/metrics`;
  const ready = () => httpOk(`http://127.0.0.1:${port}/`);

  const pid = livePid(files);
  if (pid !== undefined) {
    let started: string | undefined;
    try {
      started = (JSON.parse(fs.readFileSync(stateFile, 'utf8')) as { fingerprint?: string }).fingerprint;
    } catch {
      started = undefined;
    }
    if (started === fingerprint(dataSource, port)) {
      log(`reusing the PostgreSQL exporter pid ${pid} on ${url}`);
      await waitForDaemon(files, pid, ready, READY_TIMEOUT_MS);
      return { url, reused: true };
    }
    log(`the PostgreSQL exporter pid ${pid} watches another database or port; restarting it`);
    await stopDaemon(files, 5_000);
  }
  if (await portOpen('127.0.0.1', port)) throw new Error(`port ${port} (PostgreSQL exporter) is already in use`);
  const binary = findPostgresExporter();
  fs.mkdirSync(runDir, { recursive: true });
  fs.copyFileSync(QUERIES, queries);
  const newPid = spawnDaemon(
    files,
    binary,
    [`--web.listen-address=127.0.0.1:${port}`, '--web.telemetry-path=/metrics', '--disable-settings-metrics', `--extend.query-path=${queries}`],
    runDir,
    // In the environment, not on the command line: the URL may hold a password.
    { DATA_SOURCE_NAME: dataSource },
  );
  fs.writeFileSync(stateFile, `${JSON.stringify({ fingerprint: fingerprint(dataSource, port) })}\n`);
  opts.onSpawn?.();
  log(`started the PostgreSQL exporter (pid ${newPid}); log: ${files.logFile}`);
  try {
    await waitForDaemon(files, newPid, ready, READY_TIMEOUT_MS);
  } catch (error) {
    await stopDaemon(files, 5_000).catch(() => undefined);
    throw error;
  }
  return { url, reused: false };
}

/** The pid of this home's exporter while it runs (no network: `npm start` watches it every 2 s). */
export const postgresExporterPid = (opts: { home?: string } = {}): number | undefined => livePid(layout(opts.home).files);

/** Stops the exporter this home's launcher started. */
export async function stopPostgresExporter(opts: { home?: string; log?: (msg: string) => void } = {}): Promise<void> {
  const log = opts.log ?? (() => undefined);
  const stopped = await stopDaemon(layout(opts.home).files);
  log(stopped ? 'PostgreSQL exporter stopped' : 'the PostgreSQL exporter is not running (no live pid file)');
}
