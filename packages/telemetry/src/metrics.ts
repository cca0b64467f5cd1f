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
  // The event-loop delay is sampled once a second. Each sample is a timer that wakes the process: at prom-client's
  // default of 10 ms an idle service woke 100 times a second for it alone, at 100 ms ten times, which was most of an
  // idle service's wake-ups (bench/RESULTS.md, issue 19). A stall shorter than a second is caught only when a sample
  // falls due inside it, so the lag series show long stalls, not every short one.
  collectDefaultMetrics({ register: registry, prefix: 'hookline_', eventLoopMonitoringPrecision: 1_000 });
  for (const name of misnamed) registry.removeSingleMetric(`hookline_nodejs_${name}`);
  return registry;
}
