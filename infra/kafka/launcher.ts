import fs from 'node:fs';
import { writeKafkaConfig, type ExtraListener } from './config.ts';
import { kafkaPaths, resolveHome, resolvePort, resolveVersion } from './paths.ts';
import type { KafkaPaths } from './paths.ts';
import { freePortRun, portOpen } from '../common/net.ts';
import { brokerAnswers, brokerReady } from './probe.ts';
import { readPid, terminateGroup } from './proc.ts';
import { daemonRuns, spawnDaemon, waitForDaemon, type DaemonFiles } from '../common/daemon.ts';
import { ensureJmxAgent, jmxAgentArgument } from './jmx-exporter.ts';
import { ensureKafkaJars, findJava } from './resolve.ts';
import { classpath, formatStorageIfNeeded } from './storage.ts';
import { scramFormatArguments, type KafkaSecurity } from './security.ts';

/** Options for {@link startKafka}; every field has a sensible default. */
export interface StartKafkaOptions {
  /** Launcher state dir; defaults to `$HOOKLINE_HOME` or `<repo>/.hookline`. */
  home?: string;
  /** Kafka release; defaults to `$KAFKA_VERSION` or 4.1.1. */
  version?: string;
  /** Client port; defaults to `$HOOKLINE_KAFKA_PORT` or 9092 (controller uses port + 1). */
  port?: number;
  /** Wipe the data dir before starting. Ignored when a broker is already running. */
  clean?: boolean;
  /** Progress messages; silent by default. */
  log?: (msg: string) => void;
  /** Called once this call has spawned a broker of its own (not when it reuses one): from then on, stopping is the caller's. */
  onSpawn?: () => void;
  /** Further listeners, each advertising its own address (e.g. a proxy a test can cut); none by default. */
  extraListeners?: readonly ExtraListener[];
  /**
   * Users and the certificate for extra listeners whose protocol is SSL, SASL_PLAINTEXT or SASL_SSL (tests of clients
   * that connect with SASL and TLS); none by default. SCRAM users are added when the data dir is formatted: use `clean`.
   */
  security?: KafkaSecurity;
  /**
   * Serve the broker's own figures for Prometheus on 127.0.0.1:`metricsPort`/metrics (the JMX exporter agent,
   * fetched on first use); off by default, so a plain broker starts as fast as ever. A running broker is reused as it is.
   */
  metricsPort?: number;
  /**
   * When the port (or the controller's, port + 1) is taken by something this launcher did not start, or is taken
   * between the check and the broker's bind, start on two free ports instead of reusing that broker or failing. For
   * test runs, which must not share a broker with whatever else runs on the machine. Our own running broker is still
   * reused, on whatever port it runs.
   */
  portFallback?: boolean;
}

/** Options for {@link stopKafka}. */
export interface StopKafkaOptions {
  home?: string;
  /** Also delete the data dir once the broker has exited. */
  clean?: boolean;
  log?: (msg: string) => void;
}

/** What {@link kafkaStatus} found. */
export interface KafkaStatus {
  /** Pid of the broker this launcher started, if it is alive. */
  pid?: number;
  /** Bootstrap address when some broker (ours or not) answers on the port. */
  brokers?: string;
}

const READY_TIMEOUT_MS = 120_000;

// G1 with a small floor: a dev broker should not grab a quarter of RAM like the JVM default.
const DEFAULT_JVM_OPTS = ['-Xms256m', '-Xmx1g', '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20', '-XX:InitiatingHeapOccupancyPercent=35'];

/** The broker's heap and GC options: `HOOKLINE_KAFKA_JVM_OPTS` (space-separated) in place of the defaults when set. */
export function jvmOptions(env: NodeJS.ProcessEnv = process.env): string[] {
  const own = env.HOOKLINE_KAFKA_JVM_OPTS?.trim();
  return [...(own ? own.split(/\s+/) : DEFAULT_JVM_OPTS), '-Djava.awt.headless=true'];
}

/** Matched against /proc/<pid>/cmdline so a recycled pid is never taken for the broker. */
const MAIN_CLASS = 'kafka.Kafka';

const isBroker = (pid: number): boolean => daemonRuns(pid, MAIN_CLASS);

/** The pid of this home's broker while it runs (no network: `npm start` watches it every 2 s). */
export function kafkaPid(opts: { home?: string } = {}): number | undefined {
  const pid = readPid(kafkaPaths(resolveHome(opts.home), resolveVersion()).pidFile);
  return pid !== undefined && isBroker(pid) ? pid : undefined;
}

/** Port the running broker was configured with (the config is only rewritten on a fresh start). */
function configuredPort(paths: KafkaPaths): number | undefined {
  try {
    const match = /^advertised\.listeners=PLAINTEXT:\/\/[^:]+:(\d+)/m.exec(fs.readFileSync(paths.serverProperties, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the broker `pid` was started with the JMX exporter agent on `port`. */
function servesMetrics(pid: number, port: number): boolean {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').some((arg) => arg.startsWith('-javaagent:') && arg.includes(`=127.0.0.1:${port}:`));
  } catch {
    return false;
  }
}

const START_MARKER = '=== hookline launcher: starting Kafka';

/** The broker's pid and log, and the argument that marks its process. */
const brokerFiles = (paths: KafkaPaths): DaemonFiles => ({ name: 'Kafka', pidFile: paths.pidFile, logFile: paths.logFile, marker: MAIN_CLASS });

function spawnBroker(java: string, paths: KafkaPaths, version: string, agent: readonly string[]): number {
  const files = brokerFiles(paths);
  const args = [...jvmOptions(), ...agent, `-Dlog4j2.configurationFile=${paths.log4jConfig}`, `-Dkafka.logs.dir=${paths.kafkaDir}`, '-cp', classpath(paths), MAIN_CLASS, paths.serverProperties];
  return spawnDaemon(files, java, args, paths.kafkaDir, undefined, `Kafka ${version}`);
}

/** What the broker logged since the launcher's last start marker (its bind failure is far above the log's tail). */
function lastStartLog(paths: KafkaPaths): string {
  const text = fs.existsSync(paths.logFile) ? fs.readFileSync(paths.logFile, 'utf8') : '';
  return text.slice(Math.max(0, text.lastIndexOf(START_MARKER)));
}

const waitReady = (paths: KafkaPaths, pid: number, brokers: string): Promise<void> =>
  waitForDaemon(brokerFiles(paths), pid, () => brokerReady(brokers), READY_TIMEOUT_MS, { where: `on ${brokers}`, intervalMs: 500 });

/**
 * Starts a single-node KRaft Kafka broker (or reuses one already running) and
 * resolves once it can create topics. The broker runs detached and survives
 * the calling process; call {@link stopKafka} to end it.
 */
export async function startKafka(opts: StartKafkaOptions = {}): Promise<{ brokers: string; reused: boolean }> {
  const log = opts.log ?? (() => undefined);
  const version = resolveVersion(opts.version);
  let port = resolvePort(opts.port);
  const paths = kafkaPaths(resolveHome(opts.home), version);
  let brokers = `127.0.0.1:${port}`;

  const pid = readPid(paths.pidFile);
  if (pid !== undefined && isBroker(pid)) {
    const running = configuredPort(paths);
    if (opts.portFallback && running !== undefined) [port, brokers] = [running, `127.0.0.1:${running}`];
    if (running !== undefined && running !== port) {
      throw new Error(`Kafka (pid ${pid}) is already running on port ${running}, not ${port}; stop it first`);
    }
    if (opts.clean) log('Kafka is already running; not wiping its data (stop it with --clean for that)');
    log(`reusing Kafka pid ${pid} on ${brokers}`);
    if (opts.metricsPort !== undefined && !servesMetrics(pid, opts.metricsPort)) {
      log(`the running broker does not serve its metrics on port ${opts.metricsPort}: stop it and start again for them`);
    }
    try {
      await waitReady(paths, pid, brokers); // It may still be booting.
      return { brokers, reused: true };
    } catch (error) {
      // A broker that was stopping when we found it has exited meanwhile: start a new one instead.
      if (isBroker(pid)) throw error;
      log(`Kafka pid ${pid} exited (it was stopping); starting a new broker`);
    }
  }
  if (pid !== undefined && !isBroker(pid)) {
    log(`removing stale pid file (pid ${pid} is not a running broker)`);
    fs.rmSync(paths.pidFile, { force: true });
  }

  if (opts.portFallback && ((await portOpen('127.0.0.1', port)) || (await portOpen('127.0.0.1', port + 1)))) {
    const other = await freePortRun(2);
    log(`port ${port} or ${port + 1} is taken by something this launcher did not start; starting Kafka on ${other} and ${other + 1} instead`);
    [port, brokers] = [other, `127.0.0.1:${other}`];
  }
  if (await portOpen('127.0.0.1', port)) {
    if (await brokerAnswers(brokers)) {
      log(`a Kafka broker not started by this launcher already answers on ${brokers}; reusing it`);
      return { brokers, reused: true };
    }
    throw new Error(`port ${port} is in use by something that is not a Kafka broker`);
  }
  if (await portOpen('127.0.0.1', port + 1)) {
    throw new Error(`port ${port + 1} (KRaft controller listener) is already in use`);
  }

  if (opts.clean) {
    log(`wiping ${paths.dataDir}`);
    fs.rmSync(paths.dataDir, { recursive: true, force: true });
  }
  if (opts.metricsPort !== undefined && (await portOpen('127.0.0.1', opts.metricsPort))) {
    throw new Error(`port ${opts.metricsPort} (the broker's metrics) is already in use`);
  }
  const java = await findJava();
  await ensureKafkaJars(paths, version, log);
  const agent = opts.metricsPort === undefined ? [] : [jmxAgentArgument(await ensureJmxAgent(paths.home, log), opts.metricsPort)];
  fs.mkdirSync(paths.dataDir, { recursive: true });
  writeKafkaConfig(paths, port, opts.extraListeners, opts.security);
  await formatStorageIfNeeded(java, paths, log, scramFormatArguments(opts.security));

  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    const newPid = spawnBroker(java, paths, version, agent);
    if (attempt === 1) opts.onSpawn?.();
    log(`started Kafka ${version} (pid ${newPid}), waiting for ${brokers}; log: ${paths.logFile}`);
    try {
      await waitReady(paths, newPid, brokers);
      break;
    } catch (error) {
      // Leave nothing half-started behind: the next start begins from a clean slate.
      await terminateGroup(newPid, () => isBroker(newPid), 10_000).catch(() => undefined);
      fs.rmSync(paths.pidFile, { force: true });
      // Someone else bound a port after the check above: with a fallback, try two others.
      if (!opts.portFallback || attempt === 3 || !lastStartLog(paths).includes('Address already in use')) throw error;
      const other = await freePortRun(2);
      log(`port ${port} or ${port + 1} was taken while Kafka started; starting it on ${other} and ${other + 1} instead`);
      [port, brokers] = [other, `127.0.0.1:${other}`];
      writeKafkaConfig(paths, port, opts.extraListeners, opts.security);
    }
  }
  log(`Kafka ready on ${brokers} in ${((Date.now() - started) / 1000).toFixed(1)} s${opts.metricsPort === undefined ? '' : `; metrics on http://127.0.0.1:${opts.metricsPort}/metrics`}`);
  return { brokers, reused: false };
}

/**
 * Stops the broker this launcher started (SIGTERM to its process group, SIGKILL
 * after 30 s) and removes the pid file. A broker it did not start is left alone.
 */
export async function stopKafka(opts: StopKafkaOptions = {}): Promise<void> {
  const log = opts.log ?? (() => undefined);
  const paths = kafkaPaths(resolveHome(opts.home), resolveVersion());
  const pid = readPid(paths.pidFile);
  if (pid !== undefined && isBroker(pid)) {
    log(`stopping Kafka (pid ${pid})`);
    await terminateGroup(pid, () => isBroker(pid));
    log('Kafka stopped');
  } else {
    log('Kafka is not running (no live pid file)');
  }
  fs.rmSync(paths.pidFile, { force: true });
  if (opts.clean) {
    log(`wiping ${paths.dataDir}`);
    fs.rmSync(paths.dataDir, { recursive: true, force: true });
  }
}

/** Reports whether our broker is alive and whether any broker answers on the port. */
export async function kafkaStatus(opts: { home?: string; port?: number } = {}): Promise<KafkaStatus> {
  const paths = kafkaPaths(resolveHome(opts.home), resolveVersion());
  const pid = readPid(paths.pidFile);
  const port = (pid !== undefined && isBroker(pid) ? configuredPort(paths) : undefined) ?? resolvePort(opts.port);
  const brokers = `127.0.0.1:${port}`;
  return {
    ...(pid !== undefined && isBroker(pid) ? { pid } : {}),
    ...((await brokerAnswers(brokers)) ? { brokers } : {}),
  };
}
