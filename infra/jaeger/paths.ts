import path from 'node:path';
import { resolveHome } from '../kafka/paths.ts';

/**
 * Version of the module github.com/jaegertracing/jaeger whose cmd/jaeger is built. Jaeger v2's binary is tagged
 * v2.x but published as module versions v1.x: v1.76.0 is Jaeger v2.13.0.
 */
export const DEFAULT_JAEGER_VERSION = 'v1.76.0';

/** The ports Jaeger listens on (all on 127.0.0.1). */
export interface JaegerPorts {
  /** OTLP over gRPC. */
  otlpGrpc: number;
  /** OTLP over HTTP (`/v1/traces`): what the services' exporter uses. */
  otlpHttp: number;
  /** Query API and UI (`/api/...`, `/api/v3/...`). */
  query: number;
  /** Query API over gRPC. */
  queryGrpc: number;
}

export const DEFAULT_JAEGER_PORTS: JaegerPorts = { otlpGrpc: 4317, otlpHttp: 4318, query: 16686, queryGrpc: 16685 };

/** Every file the Jaeger launcher reads or writes. */
export interface JaegerPaths {
  /** Go's directories (GOPATH, module and build caches): kept across runs so a rebuild takes seconds. */
  goDir: string;
  /** The built binary for this version. */
  binary: string;
  runDir: string;
  configFile: string;
  logFile: string;
  pidFile: string;
}

/** Resolves the version: explicit option, then `JAEGER_VERSION`, then the default. */
export function resolveJaegerVersion(version?: string): string {
  return version ?? process.env.JAEGER_VERSION ?? DEFAULT_JAEGER_VERSION;
}

const PORT_VARIABLES: Record<keyof JaegerPorts, string> = {
  otlpGrpc: 'HOOKLINE_JAEGER_OTLP_GRPC_PORT',
  otlpHttp: 'HOOKLINE_JAEGER_OTLP_HTTP_PORT',
  query: 'HOOKLINE_JAEGER_QUERY_PORT',
  queryGrpc: 'HOOKLINE_JAEGER_QUERY_GRPC_PORT',
};

/**
 * Ports: explicit ones, then `HOOKLINE_JAEGER_OTLP_GRPC_PORT`, `HOOKLINE_JAEGER_OTLP_HTTP_PORT`,
 * `HOOKLINE_JAEGER_QUERY_PORT` (UI) and `HOOKLINE_JAEGER_QUERY_GRPC_PORT`, then 4317, 4318, 16686 and 16685.
 */
export function resolveJaegerPorts(ports: Partial<JaegerPorts> = {}): JaegerPorts {
  const fromEnv = (key: keyof JaegerPorts) => {
    const port = Number(process.env[PORT_VARIABLES[key]]);
    return Number.isInteger(port) && port > 0 ? port : DEFAULT_JAEGER_PORTS[key];
  };
  return { otlpGrpc: fromEnv('otlpGrpc'), otlpHttp: fromEnv('otlpHttp'), query: fromEnv('query'), queryGrpc: fromEnv('queryGrpc'), ...ports };
}

/**
 * Lays out the files: the run state (pid, log, config) under `<home>/jaeger`, the binary and Go's caches under
 * `cache` (default `<home>/cache`), which another home (a test's) may share.
 */
export function jaegerPaths(home: string | undefined, version: string, cache?: string): JaegerPaths {
  const root = resolveHome(home);
  const cacheDir = cache ?? path.join(root, 'cache');
  const runDir = path.join(root, 'jaeger');
  return {
    goDir: path.join(cacheDir, 'go'),
    binary: path.join(cacheDir, `jaeger-${version}`, 'jaeger'),
    runDir,
    configFile: path.join(runDir, 'config.yaml'),
    logFile: path.join(runDir, 'jaeger.log'),
    pidFile: path.join(runDir, 'jaeger.pid'),
  };
}
