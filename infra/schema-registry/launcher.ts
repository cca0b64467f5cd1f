import fs from 'node:fs';
import path from 'node:path';
import { freePort, portOpen } from '../common/net.ts';
import { resolveHome } from '../kafka/paths.ts';
import { readPid, terminateGroup } from '../kafka/proc.ts';
import { daemonRuns, spawnDaemon, waitForDaemon, type DaemonFiles } from '../common/daemon.ts';
import { ensureApicurioApp } from './fetch.ts';
import { findJava, requiredJavaMajor } from './jdk.ts';
import type { JavaRuntime } from './jdk.ts';
import { registryPaths, registryUrl, resolvePort, resolveVersion } from './paths.ts';
import type { RegistryPaths } from './paths.ts';
import { registryAnswers } from './probe.ts';

/** Options for {@link startSchemaRegistry}; every field has a sensible default. */
export interface StartSchemaRegistryOptions {
  /** Launcher state dir; defaults to `$HOOKLINE_HOME` or `<repo>/.hookline`. */
  home?: string;
  /** HTTP port on 127.0.0.1; defaults to `$HOOKLINE_SCHEMA_REGISTRY_PORT` or 8085. */
  port?: number;
  /** Apicurio Registry release; defaults to `$APICURIO_VERSION` or 3.3.3. */
  version?: string;
  /** Progress messages; silent by default. */
  log?: (msg: string) => void;
  /** Called once this call has spawned a registry of its own (not when it reuses one): from then on, stopping is the caller's. */
  onSpawn?: () => void;
  /**
   * When the port is taken by something this launcher did not start, start on a free port instead of reusing it or
   * failing (test runs). Our own running registry is still reused, on whatever port it runs.
   */
  portFallback?: boolean;
}

/** Options for {@link stopSchemaRegistry}. */
export interface StopSchemaRegistryOptions {
  home?: string;
  log?: (msg: string) => void;
}

/** What {@link schemaRegistryStatus} found. */
export interface SchemaRegistryStatus {
  /** Pid of the registry this launcher started, if it is alive. */
  pid?: number;
  /** ccompat base URL when some registry (ours or not) answers on the port. */
  url?: string;
}

const READY_TIMEOUT_MS = 120_000;

/**
 * Matched against /proc/<pid>/cmdline so a recycled pid is never taken for the
 * registry. A plain system property: Quarkus only checks `quarkus.*` keys.
 */
const MARKER = '-Dhookline.service=schema-registry';

const isRegistry = (pid: number): boolean => daemonRuns(pid, MARKER);

/** The pid of this home's registry while it runs (no network: `npm start` watches it every 2 s). */
export function schemaRegistryPid(opts: { home?: string } = {}): number | undefined {
  const pid = readPid(registryPaths(resolveHome(opts.home), resolveVersion()).pidFile);
  return pid !== undefined && isRegistry(pid) ? pid : undefined;
}

/**
 * JVM flags for a small dev registry. H2 in memory holds a handful of schemas,
 * so a 512 MiB heap is ample; C1 only and the serial GC roughly halve startup
 * on a 2-core machine and keep RSS near 200 MiB. On Java 19+ a dynamic AppCDS
 * archive (written at the first clean exit, rebuilt by the JVM when the JDK
 * changes) takes a warm start from ~6 s to ~4 s.
 */
function jvmOptions(paths: RegistryPaths, runtime: JavaRuntime): string[] {
  const options = [MARKER, '-Xms64m', '-Xmx512m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Djava.awt.headless=true'];
  if (runtime.major >= 19) {
    options.push(
      '-XX:+AutoCreateSharedArchive',
      `-XX:SharedArchiveFile=${path.join(paths.cacheDir, `app-cds-java${runtime.major}.jsa`)}`,
      // Creating the archive (at the first exit) warns about every class it skips.
      '-Xlog:cds*=error',
    );
  }
  return options;
}

/**
 * Quarkus/Apicurio settings. Storage stays the build's default, H2 in memory
 * (spelled out so a changed default cannot silently switch to a database):
 * every start begins empty. Everything that could reach out is off or bound
 * to loopback: OpenTelemetry export, the management interface (health and
 * metrics, on a random loopback port so it never collides with anything), and
 * there is no auth, so no OIDC discovery.
 */
function quarkusOptions(port: number): string[] {
  return [
    '-Dquarkus.http.host=127.0.0.1',
    `-Dquarkus.http.port=${port}`,
    '-Dquarkus.management.host=127.0.0.1',
    '-Dquarkus.management.port=0',
    '-Dquarkus.otel.sdk.disabled=true',
    '-Dquarkus.oidc.tenant-enabled=false',
    '-Dapicurio.storage.kind=sql',
    '-Dapicurio.storage.sql.kind=h2',
    // One line per client request otherwise; tests make many.
    '-Dquarkus.http.access-log.enabled=false',
    // Upstream's pattern prints dates like "2026-11+00-26".
    '-Dquarkus.log.console.format=%d{yyyy-MM-dd HH:mm:ss,SSS} %-5p [%c{3.}] (%t) %s%e%n',
  ];
}

/** Port the running registry was started on (the file is only rewritten on a fresh start). */
function recordedPort(paths: RegistryPaths): number | undefined {
  try {
    const port = Number.parseInt(fs.readFileSync(paths.portFile, 'utf8').trim(), 10);
    return Number.isInteger(port) && port > 0 ? port : undefined;
  } catch {
    return undefined;
  }
}

/** The registry's pid and log, and the argument that marks its process. */
const registryFiles = (paths: RegistryPaths): DaemonFiles => ({ name: 'Apicurio Registry', pidFile: paths.pidFile, logFile: paths.logFile, marker: MARKER });

function spawnRegistry(runtime: JavaRuntime, paths: RegistryPaths, version: string, port: number): number {
  const files = registryFiles(paths);
  const args = [...jvmOptions(paths, runtime), ...quarkusOptions(port), '-jar', paths.runJar];
  const pid = spawnDaemon(files, runtime.java, args, paths.registryDir, undefined, `Apicurio Registry ${version} on Java ${runtime.major} (${runtime.java})`);
  fs.writeFileSync(paths.portFile, `${port}\n`);
  return pid;
}

const waitReady = (paths: RegistryPaths, pid: number, url: string): Promise<void> =>
  waitForDaemon(registryFiles(paths), pid, () => registryAnswers(url), READY_TIMEOUT_MS, { where: `at ${url}` });

/**
 * Starts a local Apicurio Registry serving the Confluent-compatible API (or
 * reuses one already running) and resolves once `GET /subjects` answers. The
 * registry runs detached and survives the calling process; call
 * {@link stopSchemaRegistry} to end it. Storage is in memory: a fresh start is empty.
 */
export async function startSchemaRegistry(opts: StartSchemaRegistryOptions = {}): Promise<{ url: string; reused: boolean }> {
  const log = opts.log ?? (() => undefined);
  const version = resolveVersion(opts.version);
  let port = resolvePort(opts.port);
  const paths = registryPaths(resolveHome(opts.home), version);
  let url = registryUrl(port);

  const pid = readPid(paths.pidFile);
  if (pid !== undefined && isRegistry(pid)) {
    const running = recordedPort(paths);
    if (opts.portFallback && running !== undefined) [port, url] = [running, registryUrl(running)];
    if (running !== undefined && running !== port) {
      throw new Error(`Apicurio Registry (pid ${pid}) is already running on port ${running}, not ${port}; stop it first`);
    }
    log(`reusing Apicurio Registry pid ${pid} at ${url}`);
    await waitReady(paths, pid, url); // It may still be booting.
    return { url, reused: true };
  }
  if (pid !== undefined) {
    log(`removing stale pid file (pid ${pid} is not a running registry)`);
    fs.rmSync(paths.pidFile, { force: true });
    fs.rmSync(paths.portFile, { force: true });
  }

  if (opts.portFallback && (await portOpen('127.0.0.1', port))) {
    const other = await freePort();
    log(`port ${port} is taken by something this launcher did not start; starting Apicurio Registry on port ${other} instead`);
    [port, url] = [other, registryUrl(other)];
  }
  if (await portOpen('127.0.0.1', port)) {
    if (await registryAnswers(url)) {
      log(`a schema registry not started by this launcher already answers at ${url}; reusing it`);
      return { url, reused: true };
    }
    throw new Error(`port ${port} is in use by something that does not serve ${url}/subjects`);
  }

  await ensureApicurioApp(paths, version, log);
  const minMajor = requiredJavaMajor(paths.appDir);
  const runtime = await findJava(minMajor);
  fs.mkdirSync(paths.registryDir, { recursive: true });

  const started = Date.now();
  const newPid = spawnRegistry(runtime, paths, version, port);
  opts.onSpawn?.();
  log(`started Apicurio Registry ${version} on Java ${runtime.major} (needs ${minMajor}+; pid ${newPid}), waiting for ${url}; log: ${paths.logFile}`);
  try {
    await waitReady(paths, newPid, url);
  } catch (error) {
    // Leave nothing half-started behind: the next start begins from a clean slate.
    await terminateGroup(newPid, () => isRegistry(newPid), 10_000).catch(() => undefined);
    fs.rmSync(paths.pidFile, { force: true });
    fs.rmSync(paths.portFile, { force: true });
    throw error;
  }
  log(`Apicurio Registry ready at ${url} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { url, reused: false };
}

/**
 * Stops the registry this launcher started (SIGTERM to its process group,
 * SIGKILL after 30 s) and removes the pid file. A registry it did not start is
 * left alone.
 */
export async function stopSchemaRegistry(opts: StopSchemaRegistryOptions = {}): Promise<void> {
  const log = opts.log ?? (() => undefined);
  const paths = registryPaths(resolveHome(opts.home), resolveVersion());
  const pid = readPid(paths.pidFile);
  if (pid !== undefined && isRegistry(pid)) {
    log(`stopping Apicurio Registry (pid ${pid})`);
    await terminateGroup(pid, () => isRegistry(pid));
    log('Apicurio Registry stopped');
  } else {
    log('Apicurio Registry is not running (no live pid file)');
  }
  fs.rmSync(paths.pidFile, { force: true });
  fs.rmSync(paths.portFile, { force: true });
}

/** Reports whether our registry is alive and whether any registry answers on the port. */
export async function schemaRegistryStatus(opts: { home?: string; port?: number } = {}): Promise<SchemaRegistryStatus> {
  const paths = registryPaths(resolveHome(opts.home), resolveVersion());
  const pid = readPid(paths.pidFile);
  const alive = pid !== undefined && isRegistry(pid);
  const port = (alive ? recordedPort(paths) : undefined) ?? resolvePort(opts.port);
  const url = registryUrl(port);
  return {
    ...(alive ? { pid } : {}),
    ...((await registryAnswers(url)) ? { url } : {}),
  };
}
