import type { RequestHandler } from 'express';
import { Counter, type Registry } from 'prom-client';

/**
 * Counts events accepted and publish requests rejected, by reason (the error code without its `HKL_<AREA>_`
 * prefix: `validation`, `rate_limited`, `too_large`, …), for the publish routes.
 */
export function publishMetrics(registry: Registry): RequestHandler {
  const accepted = new Counter({
    name: 'hookline_events_accepted_total',
    help: 'Events accepted by the API (acknowledged by Kafka)',
    registers: [registry],
  });
  const rejected = new Counter({
    name: 'hookline_events_rejected_total',
    help: 'Publish requests rejected by the API, by reason',
    labelNames: ['reason'],
    registers: [registry],
  });
  return (req, res, next) => {
    if (req.method !== 'POST' || !/^\/v1\/events(\/batch)?\/?$/.test(req.path)) return next();
    res.on('finish', () => {
      if (res.statusCode < 300) accepted.inc(typeof res.locals.acceptedEvents === 'number' ? res.locals.acceptedEvents : 0);
      else {
        const code = typeof res.locals.errorCode === 'string' ? res.locals.errorCode : `status_${res.statusCode}`;
        rejected.inc({ reason: code.replace(/^HKL_[A-Z]+_/, '').toLowerCase() });
      }
    });
    next();
  };
}
