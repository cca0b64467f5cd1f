import fs from 'node:fs';
import path from 'node:path';
import { run, which } from '../common/exec.ts';

/**
 * The Prometheus JMX exporter's Java agent, which serves the broker's own figures (messages and bytes in and out,
 * request rates, under-replicated partitions, log sizes) at `/metrics`. 1.0.1 is the last release Maven Central
 * serves: from 1.1.0 on the agent jar is published on GitHub only.
 */
export const JMX_EXPORTER_VERSION = '1.0.1';

/** Port of the broker's `/metrics` under `npm start -- --observability` unless `HOOKLINE_KAFKA_METRICS_PORT` names another. */
export const DEFAULT_KAFKA_METRICS_PORT = 9404;

/** Which MBeans the agent reads and how it names them (Kafka's common broker metrics only). */
export const JMX_EXPORTER_RULES = path.join(import.meta.dirname, 'jmx-exporter.yml');

const DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1';

export function resolveKafkaMetricsPort(port?: number): number {
  if (port !== undefined) return port;
  const fromEnv = Number(process.env.HOOKLINE_KAFKA_METRICS_PORT);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : DEFAULT_KAFKA_METRICS_PORT;
}

/** The JVM argument that loads the agent, serving on 127.0.0.1:`port` with {@link JMX_EXPORTER_RULES}. */
export function jmxAgentArgument(jar: string, port: number): string {
  return `-javaagent:${jar}=127.0.0.1:${port}:${JMX_EXPORTER_RULES}`;
}

/** The agent's jar, fetched from Maven Central with Maven on first use and cached under `<home>/cache`. */
export async function ensureJmxAgent(home: string, log: (msg: string) => void): Promise<string> {
  const dir = path.join(home, 'cache', `jmx-exporter-${JMX_EXPORTER_VERSION}`);
  const jar = path.join(dir, `jmx_prometheus_javaagent-${JMX_EXPORTER_VERSION}.jar`);
  if (fs.existsSync(jar)) return jar;
  const mvn = which('mvn');
  if (!mvn) throw new Error('mvn not found on PATH (needed once to fetch the JMX exporter agent): apt-get install maven');
  log(`fetching io.prometheus.jmx:jmx_prometheus_javaagent:${JMX_EXPORTER_VERSION} with Maven into ${dir}`);
  const partial = path.join(home, 'cache', `.jmx-exporter-${process.pid}`);
  fs.rmSync(partial, { recursive: true, force: true });
  const result = await run(mvn, ['-B', '-q', `${DEPENDENCY_PLUGIN}:copy`, `-Dartifact=io.prometheus.jmx:jmx_prometheus_javaagent:${JMX_EXPORTER_VERSION}`, `-DoutputDirectory=${partial}`]);
  if (result.code !== 0 || !fs.existsSync(path.join(partial, path.basename(jar)))) {
    fs.rmSync(partial, { recursive: true, force: true });
    const output = (result.stdout + result.stderr).trimEnd().split('\n').slice(-20).join('\n');
    throw new Error(`Maven could not fetch io.prometheus.jmx:jmx_prometheus_javaagent:${JMX_EXPORTER_VERSION} (exit ${result.code}):\n${output}`);
  }
  // Renamed into place whole, so an interrupted fetch is redone rather than half-used.
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(partial, dir);
  return jar;
}
