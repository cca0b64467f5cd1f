import { collectDefaultMetrics, Registry } from 'prom-client';

// prom-client names these gauges with a `_total` suffix, which Prometheus reserves for counters (promtool
// rejects them); `hookline_nodejs_active_resources{type}` carries the same information.
const misnamed = ['active_handles_total', 'active_requests_total', 'active_resources_total'];

/**
 * A Prometheus registry for one service, with Node runtime metrics (event loop lag, heap, GC, handles) and a
 * `service` label on every series. Exposed at `/metrics`; passes `promtool check metrics`.
 */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  // The event-loop delay is sampled every 100 ms (prom-client's default, 10 ms, wakes an idle service 100 times a
  // second for it alone; bench/RESULTS.md, issue 19).
  collectDefaultMetrics({ register: registry, prefix: 'hookline_', eventLoopMonitoringPrecision: 100 });
  for (const name of misnamed) registry.removeSingleMetric(`hookline_nodejs_${name}`);
  return registry;
}
