import path from 'node:path';

/** Kafka release used when neither the caller nor `KAFKA_VERSION` picks one. */
export const DEFAULT_KAFKA_VERSION = '4.1.1';

/** Client (PLAINTEXT) port; the KRaft controller listens on the next port up. */
export const DEFAULT_KAFKA_PORT = 9092;

/** Every file the Kafka launcher reads or writes, derived from one home dir. */
export interface KafkaPaths {
  home: string;
  /** Per-version jar cache, shared by all data dirs and safe to keep across `clean`. */
  cacheDir: string;
  libs: string;
  pom: string;
  marker: string;
  kafkaDir: string;
  dataDir: string;
  configDir: string;
  serverProperties: string;
  log4jConfig: string;
  logFile: string;
  pidFile: string;
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

/** Resolves the Kafka version: explicit option, then `KAFKA_VERSION`, then the default. */
export function resolveVersion(version?: string): string {
  return version ?? process.env.KAFKA_VERSION ?? DEFAULT_KAFKA_VERSION;
}

/** Resolves the client port: explicit option, then `HOOKLINE_KAFKA_PORT`, then 9092. */
export function resolvePort(port?: number): number {
  if (port !== undefined) return port;
  const fromEnv = Number(process.env.HOOKLINE_KAFKA_PORT);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : DEFAULT_KAFKA_PORT;
}

/** Lays out the launcher's files under `home` for the given Kafka version. */
export function kafkaPaths(home: string, version: string): KafkaPaths {
  const cacheDir = path.join(home, 'cache', `kafka-${version}`);
  const kafkaDir = path.join(home, 'kafka');
  const configDir = path.join(kafkaDir, 'config');
  return {
    home,
    cacheDir,
    libs: path.join(cacheDir, 'libs'),
    pom: path.join(cacheDir, 'pom.xml'),
    marker: path.join(cacheDir, 'resolved.sha256'),
    kafkaDir,
    dataDir: path.join(kafkaDir, 'data'),
    configDir,
    serverProperties: path.join(configDir, 'server.properties'),
    log4jConfig: path.join(configDir, 'log4j2.xml'),
    logFile: path.join(kafkaDir, 'kafka.log'),
    pidFile: path.join(kafkaDir, 'kafka.pid'),
  };
}
