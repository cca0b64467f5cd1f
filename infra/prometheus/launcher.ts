import fs from 'node:fs';
import { which } from '../common/exec.ts';
import { httpOk, livePid, spawnDaemon, stopDaemon, waitForDaemon, type DaemonFiles } from '../common/daemon.ts';
import { portOpen } from '../common/net.ts';
import { defaultLocalTargets, prometheusConfig, type ScrapeTarget } from './config.ts';
import { prometheusPaths, resolvePrometheusPort, type PrometheusPaths } from './paths.ts';

/** Options for {@link startPrometheus}. */
export interface StartPrometheusOptions {
  /** Launcher state dir; defaults to `$HOOKLINE_HOME` or `<repo>/.hookline`. */
  home?: string;
  /** Web port (UI and HTTP API); defaults to `$HOOKLINE_PROMETHEUS_PORT` or 9090. */
  port?: number;
  /** What to scrape; defaults to the services at ports 8080, 8081 and 8082, the broker's metrics on 9404 and PostgreSQL's exporter on 9187. */
  targets?: readonly ScrapeTarget[];
  /** Scrape interval in seconds (default 5). */
  intervalSeconds?: number;
  /** Wipe the stored series before starting (a fresh start only). */
  clean?: boolean;
  log?: (msg: string) => void;
  onSpawn?: () => void;
}

const READY_TIMEOUT_MS = 60_000;

const files = (paths: PrometheusPaths): DaemonFiles => ({
  name: 'Prometheus',
  pidFile: paths.pidFile,
  logFile: paths.logFile,
  marker: `--config.file=${paths.configFile}`,
});

/** The Debian package's server binary (`apt-get install prometheus`), or one on PATH. */
export function findPrometheus(): string {
  const found = which('prometheus');
  if (!found) throw new Error('the prometheus server binary is not on PATH (Debian: apt-get install prometheus)');
  return found;
}

function configuredPort(paths: PrometheusPaths): number | undefined {
  try {
    const match = /--web\.listen-address=127\.0\.0\.1:(\d+)/.exec(fs.readFileSync(`/proc/${livePid(files(paths))}/cmdline`, 'utf8').replaceAll('\0', ' '));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts Prometheus scraping the services (or reuses the one this home runs; its config is rewritten and
 * reloaded) and resolves with its URL once `/-/ready` answers. It runs detached; {@link stopPrometheus} ends it.
 */
export async function startPrometheus(opts: StartPrometheusOptions = {}): Promise<{ url: string; reused: boolean }> {
  const log = opts.log ?? (() => undefined);
  const paths = prometheusPaths(opts.home);
  const port = resolvePrometheusPort(opts.port);
  const daemon = files(paths);
  const config = prometheusConfig(opts.targets ?? defaultLocalTargets(), opts.intervalSeconds);

  const pid = livePid(daemon);
  if (pid !== undefined) {
    const url = `http://127.0.0.1:${configuredPort(paths) ?? port}`;
    log(`reusing Prometheus pid ${pid} on ${url}`);
    await waitForDaemon(daemon, pid, () => httpOk(`${url}/-/ready`), READY_TIMEOUT_MS);
    if (fs.readFileSync(paths.configFile, 'utf8') !== config) {
      fs.writeFileSync(paths.configFile, config);
      process.kill(pid, 'SIGHUP'); // Prometheus reloads its configuration on SIGHUP.
    }
    return { url, reused: true };
  }
  const url = `http://127.0.0.1:${port}`;
  if (await portOpen('127.0.0.1', port)) throw new Error(`port ${port} (Prometheus) is already in use`);
  const binary = findPrometheus();
  if (opts.clean) fs.rmSync(paths.dataDir, { recursive: true, force: true });
  fs.mkdirSync(paths.dataDir, { recursive: true });
  fs.writeFileSync(paths.configFile, config);
  const started = Date.now();
  const newPid = spawnDaemon(
    daemon,
    binary,
    [`--config.file=${paths.configFile}`, `--storage.tsdb.path=${paths.dataDir}`, `--web.listen-address=127.0.0.1:${port}`, '--storage.tsdb.retention.time=7d'],
    paths.runDir,
  );
  opts.onSpawn?.();
  log(`started Prometheus (pid ${newPid}); log: ${paths.logFile}`);
  try {
    await waitForDaemon(daemon, newPid, () => httpOk(`${url}/-/ready`), READY_TIMEOUT_MS);
  } catch (error) {
    await stopDaemon(daemon, 5_000).catch(() => undefined);
    throw error;
  }
  log(`Prometheus ready on ${url} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { url, reused: false };
}

/** The pid of this home's Prometheus while it runs (no network: `npm start` watches it every 2 s). */
export const prometheusPid = (opts: { home?: string } = {}): number | undefined => livePid(files(prometheusPaths(opts.home)));

/** Stops the Prometheus this home's launcher started; `clean` also deletes its stored series. */
export async function stopPrometheus(opts: { home?: string; clean?: boolean; log?: (msg: string) => void } = {}): Promise<void> {
  const log = opts.log ?? (() => undefined);
  const paths = prometheusPaths(opts.home);
  const stopped = await stopDaemon(files(paths));
  log(stopped ? 'Prometheus stopped' : 'Prometheus is not running (no live pid file)');
  if (opts.clean) fs.rmSync(paths.dataDir, { recursive: true, force: true });
}
