import path from 'node:path';
import { resolveHome } from '../kafka/paths.ts';

/** Prometheus' web port (UI and HTTP API) unless `HOOKLINE_PROMETHEUS_PORT` or the caller names another. */
export const DEFAULT_PROMETHEUS_PORT = 9090;

/** Every file the Prometheus launcher writes, under `<home>/prometheus`. */
export interface PrometheusPaths {
  runDir: string;
  configFile: string;
  dataDir: string;
  logFile: string;
  pidFile: string;
}

export function resolvePrometheusPort(port?: number): number {
  if (port !== undefined) return port;
  const fromEnv = Number(process.env.HOOKLINE_PROMETHEUS_PORT);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : DEFAULT_PROMETHEUS_PORT;
}

export function prometheusPaths(home?: string): PrometheusPaths {
  const runDir = path.join(resolveHome(home), 'prometheus');
  return {
    runDir,
    configFile: path.join(runDir, 'prometheus.yml'),
    dataDir: path.join(runDir, 'data'),
    logFile: path.join(runDir, 'prometheus.log'),
    pidFile: path.join(runDir, 'prometheus.pid'),
  };
}
