import { jaegerPid, startJaeger, stopJaeger } from '../jaeger/launcher.ts';
import { resolveKafkaMetricsPort } from '../kafka/jmx-exporter.ts';
import { postgresExporterPid, resolvePgExporterPort, startPostgresExporter, stopPostgresExporter } from '../postgres-exporter/launcher.ts';
import { exporterTargets, serviceTargets } from '../prometheus/config.ts';
import { prometheusPid, startPrometheus, stopPrometheus } from '../prometheus/launcher.ts';
import { part, type Part } from './stack.ts';

/** The banner's Jaeger link: the UI's search, or (a binary without the UI's assets) the query API the UI would call. */
export function jaegerLink(ui: string, hasUi: boolean): string {
  return hasUi ? `${ui}/search?service=hookline-ingest` : `${ui}/api/traces?service=hookline-ingest&limit=20`;
}

/** Whether `npm start` runs Jaeger and Prometheus too: `npm start -- --observability` or `HOOKLINE_OBSERVABILITY=true`. */
export const observabilityWanted = (argv: readonly string[], env: NodeJS.ProcessEnv): boolean =>
  argv.includes('--observability') || env.HOOKLINE_OBSERVABILITY === 'true';

/** What the services need to export their traces to the local Jaeger (values the user set are kept). */
export function otlpEnv(otlpHttp: string, env: NodeJS.ProcessEnv): Record<string, string> {
  const wanted: Record<string, string> = {
    OTEL_EXPORTER_OTLP_ENDPOINT: otlpHttp,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
    // Locally every new trace is worth seeing; production keeps the 10 % default.
    OTEL_TRACES_SAMPLER_ARG: '1',
  };
  return Object.fromEntries(Object.entries(wanted).filter(([key]) => !env[key]));
}

/** Port of the local broker's own metrics under `--observability` (`HOOKLINE_KAFKA_METRICS_PORT`, 9404). */
export const kafkaMetricsPort = (): number => resolveKafkaMetricsPort();

/**
 * Jaeger (OTLP on 4317/4318, UI on 16686, built on first use), PostgreSQL's exporter (9187, watching `stack`'s
 * database once it has started) and Prometheus (9090, scraping the three services at `ports`, the exporter and,
 * when the broker is a local one, its own metrics), as parts of `npm start`: started with the others, stopped with
 * them, restarted if they go away.
 * Jaeger's part keeps its OTLP/HTTP endpoint in `otlp` once started, and whether it serves the UI in `hasUi`.
 */
export function observabilityParts(
  log: (msg: string) => void,
  ports: { ingest: number; dispatcher: number; tracker: number },
  stack?: { broker: Part; database: Part },
): { jaeger: Part & { otlp?: string; hasUi?: boolean }; prometheus: Part; pgExporter: Part } {
  const jaeger: Part & { otlp?: string; hasUi?: boolean } = part('jaeger', async (hooks) => {
    const { ui, otlpHttp, hasUi, reused } = await startJaeger(hooks);
    jaeger.otlp = otlpHttp;
    jaeger.hasUi = hasUi;
    return { address: ui, reused };
  }, () => stopJaeger(), log, () => jaegerPid());
  const prometheus = part('prometheus', async (hooks) => {
    const exporters = exporterTargets({ kafka: kafkaMetricsPort(), postgres: resolvePgExporterPort() });
    // A broker the user configured serves no metrics of ours.
    const targets = [...serviceTargets(ports), ...exporters.filter((t) => t.job !== 'kafka' || stack?.broker.local !== false)];
    const { url, reused } = await startPrometheus({ ...hooks, targets });
    return { address: url, reused };
  }, () => stopPrometheus(), log, () => prometheusPid());
  const pgExporter = part('pg-exporter', async (hooks) => {
    const database = stack?.database;
    await database?.starting?.catch(() => undefined);
    if (!database?.address) throw new Error('the database did not start');
    const { url, reused } = await startPostgresExporter({ ...hooks, databaseUrl: database.address });
    return { address: url, reused };
  }, () => stopPostgresExporter(), log, () => postgresExporterPid());
  return { jaeger, prometheus, pgExporter };
}
