/**
 * Command line for the local Prometheus (Debian's `prometheus` server) scraping the services of `npm start`:
 *
 *   node infra/prometheus/cli.ts start    prints PROMETHEUS_URL=..., Prometheus keeps running
 *   node infra/prometheus/cli.ts stop
 *
 * Ports of the services: HTTP_PORT (8080) for ingest and the next two for the dispatcher and tracker; the broker's
 * metrics on HOOKLINE_KAFKA_METRICS_PORT (9404), PostgreSQL's exporter on HOOKLINE_PG_EXPORTER_PORT (9187).
 */
import { resolveKafkaMetricsPort } from '../kafka/jmx-exporter.ts';
import { resolvePgExporterPort } from '../postgres-exporter/launcher.ts';
import { exporterTargets, serviceTargets } from './config.ts';
import { startPrometheus, stopPrometheus } from './launcher.ts';

const USAGE = 'usage: node infra/prometheus/cli.ts start|stop';

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (rest.length > 0) throw new Error(`unexpected argument ${rest.join(' ')}\n${USAGE}`);
  const log = (msg: string): void => console.error(`[prometheus] ${msg}`);
  switch (command) {
    case 'start': {
      const api = Number(process.env.HTTP_PORT ?? 8080);
      const { url } = await startPrometheus({ log, targets: [
        ...serviceTargets({ ingest: api, dispatcher: api + 1, tracker: api + 2 }),
        ...exporterTargets({ kafka: resolveKafkaMetricsPort(), postgres: resolvePgExporterPort() }),
      ] });
      console.log(`PROMETHEUS_URL=${url}`);
      return 0;
    }
    case 'stop':
      await stopPrometheus({ log });
      return 0;
    default:
      throw new Error(USAGE);
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  console.error(`[prometheus] ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
