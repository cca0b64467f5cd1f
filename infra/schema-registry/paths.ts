import path from 'node:path';

/** Apicurio Registry release used when neither the caller nor `APICURIO_VERSION` picks one. */
export const DEFAULT_APICURIO_VERSION = '3.3.3';

/** HTTP port; off Confluent's 8081 and the 8080 many dev servers take. */
export const DEFAULT_SCHEMA_REGISTRY_PORT = 8085;

/** Path of the Confluent-compatible API under the registry's root. */
export const CCOMPAT_PATH = '/apis/ccompat/v7';

/** Every file the schema-registry launcher reads or writes, derived from one home dir. */
export interface RegistryPaths {
  home: string;
  /** Per-version cache of the unpacked app, shared by every run; safe to keep. */
  cacheDir: string;
  /** The unpacked Quarkus fast-jar (`quarkus-run.jar`, `lib/`, `app/`, `quarkus/`). */
  appDir: string;
  runJar: string;
  /** Written last after a complete unpack, so an interrupted one is redone. */
  marker: string;
  registryDir: string;
  logFile: string;
  pidFile: string;
  /** Port the running registry was started on, for reuse and status checks. */
  portFile: string;
}

/** Resolves the Apicurio version: explicit option, then `APICURIO_VERSION`, then the default. */
export function resolveVersion(version?: string): string {
  return version ?? process.env.APICURIO_VERSION ?? DEFAULT_APICURIO_VERSION;
}

/** Resolves the port: explicit option, then `HOOKLINE_SCHEMA_REGISTRY_PORT`, then 8085. */
export function resolvePort(port?: number): number {
  if (port !== undefined) return port;
  const fromEnv = Number(process.env.HOOKLINE_SCHEMA_REGISTRY_PORT);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : DEFAULT_SCHEMA_REGISTRY_PORT;
}

/** Base URL a Confluent client (e.g. @kafkajs/confluent-schema-registry's `host`) takes. */
export function registryUrl(port: number): string {
  return `http://127.0.0.1:${port}${CCOMPAT_PATH}`;
}

/** Lays out the launcher's files under `home` for the given Apicurio version. */
export function registryPaths(home: string, version: string): RegistryPaths {
  const cacheDir = path.join(home, 'cache', `apicurio-${version}`);
  const appDir = path.join(cacheDir, 'quarkus-app');
  const registryDir = path.join(home, 'schema-registry');
  return {
    home,
    cacheDir,
    appDir,
    runJar: path.join(appDir, 'quarkus-run.jar'),
    marker: path.join(cacheDir, 'unpacked'),
    registryDir,
    logFile: path.join(registryDir, 'registry.log'),
    pidFile: path.join(registryDir, 'registry.pid'),
    portFile: path.join(registryDir, 'registry.port'),
  };
}
