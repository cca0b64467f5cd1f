import type { EndpointsRepository, TenantsRepository } from '@hookline/db';
import type { Logger } from '@hookline/telemetry';
import express, { type Express } from 'express';
import type { EventPublisher } from '../kafka/event-publisher.ts';
import { requireAdmin, requireTenant } from './auth.ts';
import { jsonOnly } from './json-only.ts';
import { errorHandler, notFoundHandler } from './problem.ts';
import { endpointsRouter } from './routes/endpoints.ts';
import { eventsRouter } from './routes/events.ts';
import { healthRouter } from './routes/health.ts';
import { tenantsRouter } from './routes/tenants.ts';

export interface HttpDeps {
  log: Logger;
  tenants: TenantsRepository;
  endpoints: EndpointsRepository;
  publisher: EventPublisher;
  ready: () => Promise<Record<string, boolean>>;
  adminToken: string | undefined;
  maxPayloadBytes: number;
  allowHttpTargets: boolean;
}

/** Assembles the express application: ops routes, admin routes, tenant routes, then 404 and error mapping. */
export function buildHttpApp(deps: HttpDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(healthRouter(deps.ready));
  app.use(jsonOnly);
  app.use(express.json({ limit: deps.maxPayloadBytes, type: ['application/json', 'application/*+json'] }));
  app.use('/v1/tenants', requireAdmin(deps.adminToken));
  app.use(tenantsRouter(deps.tenants));
  app.use('/v1', requireTenant(deps.tenants));
  app.use(endpointsRouter(deps.endpoints, { allowHttp: deps.allowHttpTargets }));
  app.use(eventsRouter(deps.publisher));
  app.use(notFoundHandler);
  app.use(errorHandler(deps.log));
  return app;
}
