import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * A Prometheus registry for one service, with Node runtime metrics (event loop lag, heap, GC) and a `service`
 * label on every series. Exposed at `/metrics`.
 */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry, prefix: 'hookline_' });
  return registry;
}
