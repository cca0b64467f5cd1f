import type { RequestHandler } from 'express';
import { Histogram, type Registry } from 'prom-client';

/** Records every request's duration by route pattern (never the raw path: bounded cardinality) and status. */
export function requestMetrics(registry: Registry): RequestHandler {
  const duration = new Histogram({
    name: 'hookline_http_request_duration_seconds',
    help: 'HTTP request duration of the ingest API, by route pattern, method and status',
    labelNames: ['route', 'method', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  return (req, res, next) => {
    const end = duration.startTimer();
    res.on('finish', () => {
      const route = (req.route as { path?: string } | undefined)?.path ?? 'unmatched';
      end({ route, method: req.method, status: String(res.statusCode) });
    });
    next();
  };
}
