import { DEFAULT_KAFKA_METRICS_PORT } from '../kafka/jmx-exporter.ts';
import { DEFAULT_PG_EXPORTER_PORT } from '../postgres-exporter/launcher.ts';

/** One service Prometheus scrapes: its job name and `host:port` of its `/metrics`. */
export interface ScrapeTarget {
  job: string;
  target: string;
}

/** The three services at `npm start`'s ports (ingest on HTTP_PORT, dispatcher and tracker on the next two). */
export function serviceTargets(ports: { ingest: number; dispatcher: number; tracker: number }): ScrapeTarget[] {
  return (['ingest', 'dispatcher', 'tracker'] as const).map((job) => ({ job, target: `127.0.0.1:${ports[job]}` }));
}

/**
 * The broker's and PostgreSQL's own figures: job `kafka` (the JMX exporter agent in the local broker under
 * `npm start -- --observability`) and job `postgres` (Prometheus' PostgreSQL exporter).
 */
export function exporterTargets(ports: { kafka: number; postgres: number }): ScrapeTarget[] {
  return (['kafka', 'postgres'] as const).map((job) => ({ job, target: `127.0.0.1:${ports[job]}` }));
}

/** What the local Prometheus scrapes at the default ports: the three services, the broker and PostgreSQL. */
export function defaultLocalTargets(): ScrapeTarget[] {
  return [...serviceTargets({ ingest: 8080, dispatcher: 8081, tracker: 8082 }), ...exporterTargets({ kafka: DEFAULT_KAFKA_METRICS_PORT, postgres: DEFAULT_PG_EXPORTER_PORT })];
}

/**
 * A Prometheus configuration scraping the services on this machine (`infra/prometheus/prometheus.local.yml` is
 * this for the default ports; `prometheus.yml` is the Docker Compose one).
 */
export function prometheusConfig(targets: readonly ScrapeTarget[], intervalSeconds = 5): string {
  return [
    '# Scrapes the Hookline services, the broker and PostgreSQL on this machine (infra/prometheus/launcher.ts writes it on each start).',
    'global:',
    `  scrape_interval: ${intervalSeconds}s`,
    `  evaluation_interval: ${intervalSeconds}s`,
    '',
    'scrape_configs:',
    ...targets.flatMap(({ job, target }) => [
      `  - job_name: ${job}`,
      '    metrics_path: /metrics',
      '    static_configs:',
      `      - targets: ["${target}"]`,
    ]),
    '',
  ].join('\n');
}
