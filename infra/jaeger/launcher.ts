import fs from 'node:fs';
import { portOpen } from '../common/net.ts';
import { httpOk, livePid, spawnDaemon, stopDaemon, waitForDaemon, type DaemonFiles } from '../common/daemon.ts';
import { ensureJaegerBinary } from './build.ts';
import { jaegerConfig } from './config.ts';
import { jaegerPaths, resolveJaegerPorts, resolveJaegerVersion, type JaegerPaths, type JaegerPorts } from './paths.ts';

/** Options for {@link startJaeger}; every field has a default. */
export interface StartJaegerOptions {
  /** Launcher state dir; defaults to `$HOOKLINE_HOME` or `<repo>/.hookline`. */
  home?: string;
  /** Where the built binary and Go's caches live; defaults to `<home>/cache`. */
  cache?: string;
  /** Module version of github.com/jaegertracing/jaeger; defaults to `$JAEGER_VERSION` or v1.76.0 (Jaeger v2.13.0). */
  version?: string;
  ports?: Partial<JaegerPorts>;
  log?: (msg: string) => void;
  /** Called once this call has spawned a Jaeger of its own (not when it reuses one). */
  onSpawn?: () => void;
}

/** Where Jaeger answers. */
export interface JaegerUrls {
  /** The UI (and the query API under `/api`). */
  ui: string;
  /** `OTEL_EXPORTER_OTLP_ENDPOINT` for exporters using OTLP over HTTP. */
  otlpHttp: string;
  /** The same for OTLP over gRPC. */
  otlpGrpc: string;
  /** Whether the binary serves Jaeger's UI: one built from the module has a placeholder page instead (the UI's assets are not in it). */
  hasUi: boolean;
}

const READY_TIMEOUT_MS = 60_000;

const files = (paths: JaegerPaths): DaemonFiles => ({ name: 'Jaeger', pidFile: paths.pidFile, logFile: paths.logFile, marker: `--config=${paths.configFile}` });

const urlsFor = (ports: JaegerPorts) => ({
  ui: `http://127.0.0.1:${ports.query}`,
  otlpHttp: `http://127.0.0.1:${ports.otlpHttp}`,
  otlpGrpc: `http://127.0.0.1:${ports.otlpGrpc}`,
});

/** The placeholder page of a binary without the UI's assets says so. */
async function servesUi(ui: string): Promise<boolean> {
  const page = await fetch(ui, { signal: AbortSignal.timeout(2_000) }).then((r) => r.text(), () => '');
  return page.length > 0 && !page.includes('not the Jaeger UI');
}

const described = async (ports: JaegerPorts, reused: boolean): Promise<JaegerUrls & { reused: boolean }> => {
  const urls = urlsFor(ports);
  return { ...urls, hasUi: await servesUi(urls.ui), reused };
};

/** Ready: the query API lists services and the OTLP/HTTP receiver accepts connections. */
const answers = async (ports: JaegerPorts) =>
  (await httpOk(`http://127.0.0.1:${ports.query}/api/services`)) && (await portOpen('127.0.0.1', ports.otlpHttp));

/** The ports the running instance was configured with (the config is rewritten only on a fresh start). */
function configuredPorts(paths: JaegerPaths): JaegerPorts | undefined {
  try {
    const text = fs.readFileSync(paths.configFile, 'utf8');
    const port = (re: RegExp) => Number(re.exec(text)?.[1]);
    return {
      query: port(/jaeger_query:[\s\S]*?http:\s+endpoint: [^:]+:(\d+)/),
      queryGrpc: port(/jaeger_query:[\s\S]*?grpc:\s+endpoint: [^:]+:(\d+)/),
      otlpGrpc: port(/otlp:[\s\S]*?grpc:\s+endpoint: [^:]+:(\d+)/),
      otlpHttp: port(/otlp:[\s\S]*?http:\s+endpoint: [^:]+:(\d+)/),
    };
  } catch {
    return undefined;
  }
}

/**
 * Starts a local Jaeger v2 (OTLP receivers, in-memory storage, query API and UI), or reuses the one this home
 * already runs, and resolves once its query API answers. Builds the binary first when it is not cached. Jaeger
 * runs detached; {@link stopJaeger} ends it.
 */
export async function startJaeger(opts: StartJaegerOptions = {}): Promise<JaegerUrls & { reused: boolean }> {
  const log = opts.log ?? (() => undefined);
  const version = resolveJaegerVersion(opts.version);
  const paths = jaegerPaths(opts.home, version, opts.cache);
  const ports = resolveJaegerPorts(opts.ports);
  const daemon = files(paths);

  const pid = livePid(daemon);
  if (pid !== undefined) {
    const running = configuredPorts(paths) ?? ports;
    log(`reusing Jaeger pid ${pid} (UI ${urlsFor(running).ui})`);
    await waitForDaemon(daemon, pid, () => answers(running), READY_TIMEOUT_MS);
    return described(running, true);
  }
  if (await answers(ports)) {
    log(`a Jaeger not started by this launcher already answers on ${urlsFor(ports).ui}; reusing it`);
    return described(ports, true);
  }
  for (const port of Object.values(ports)) {
    if (await portOpen('127.0.0.1', port)) throw new Error(`port ${port} (Jaeger) is in use by something else`);
  }

  const binary = await ensureJaegerBinary(paths, version, log);
  fs.mkdirSync(paths.runDir, { recursive: true });
  fs.writeFileSync(paths.configFile, jaegerConfig(ports));
  const started = Date.now();
  // Jaeger traces its own query API with an OpenTelemetry SDK configured from the environment (OTLP to 127.0.0.1:4317
  // by default: its own receiver under `npm start`), which would list a service "jaeger" among the user's. Off.
  const newPid = spawnDaemon(daemon, binary, [`--config=${paths.configFile}`], paths.runDir, { OTEL_TRACES_SAMPLER: 'always_off' });
  opts.onSpawn?.();
  log(`started Jaeger (pid ${newPid}); log: ${paths.logFile}`);
  try {
    await waitForDaemon(daemon, newPid, () => answers(ports), READY_TIMEOUT_MS);
  } catch (error) {
    await stopDaemon(daemon, 5_000).catch(() => undefined);
    throw error;
  }
  log(`Jaeger ready on ${urlsFor(ports).ui} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return described(ports, false);
}

/** Stops the Jaeger this home's launcher started (its traces are in memory: they go with it). */
export async function stopJaeger(opts: { home?: string; log?: (msg: string) => void } = {}): Promise<void> {
  const log = opts.log ?? (() => undefined);
  const stopped = await stopDaemon(files(jaegerPaths(opts.home, resolveJaegerVersion())));
  log(stopped ? 'Jaeger stopped' : 'Jaeger is not running (no live pid file)');
}

/** The pid of this home's Jaeger while it runs (no network: `npm start` watches it every 2 s). */
export const jaegerPid = (opts: { home?: string } = {}): number | undefined => livePid(files(jaegerPaths(opts.home, resolveJaegerVersion())));

/** The pid of this home's Jaeger, if alive, and its UI when it answers. */
export async function jaegerStatus(opts: { home?: string } = {}): Promise<{ pid?: number; ui?: string }> {
  const paths = jaegerPaths(opts.home, resolveJaegerVersion());
  const pid = livePid(files(paths));
  const ports = configuredPorts(paths) ?? resolveJaegerPorts();
  return { ...(pid !== undefined ? { pid } : {}), ...((await answers(ports)) ? { ui: urlsFor(ports).ui } : {}) };
}
