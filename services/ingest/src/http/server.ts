import { TokenBuckets } from '@hookline/contracts';
import type {
  ApplicationsRepository,
  AttemptsRepository,
  DeliveriesRepository,
  EndpointHealthRepository,
  EndpointsRepository,
  OrderedDeliveriesRepository,
  EndpointStatsRepository,
  EventsRepository,
  EventTypesRepository,
  PortalSessionsRepository,
  RequeueJobsRepository,
  SourceRequestsRepository,
  SourcesRepository,
  TenantsRepository,
} from '@hookline/db';
import type { Logger } from '@hookline/telemetry';
import express, { type Express } from 'express';
import type { Registry } from 'prom-client';
import type { EventTypeCache } from '../publishing/event-type-cache.ts';
import type { PublishService } from '../publishing/publish-service.ts';
import type { RequeueRunner } from '../requeue/requeue-runner.ts';
import type { RegistrySchemas } from '../schemas/registry-schemas.ts';
import type { SchemaRegistryClient } from '../schemas/schema-registry-client.ts';
import type { SchemaValidator } from '../schemas/schema-validator.ts';
import type { TargetChecker } from '../targets/target-checker.ts';
import { ApplicationResolver } from '../applications/application-resolver.ts';
import type { SystemMetrics } from '../system/system-metrics.ts';
import { ApiKeyCache } from './api-key-cache.ts';
import { ApiRoutes, openApiDocument } from './api-routes.ts';
import { guard, requireAdmin } from './auth.ts';
import { jsonBody } from './json-body.ts';
import { jsonOnly } from './json-only.ts';
import { errorHandler, notFoundHandler } from './problem.ts';
import { publishMetrics } from './publish-metrics.ts';
import { requestMetrics } from './request-metrics.ts';
import { requestTracing } from './tracing.ts';
import { endpointRoutes, type EndpointDefaults } from './routes/endpoints.ts';
import { pullMessageRoutes, type PullMessageDeps } from './routes/pull-messages.ts';
import { eventTypeRoutes } from './routes/event-types.ts';
import { deadLetterRoutes } from './routes/dead-letters.ts';
import { endpointOperationRoutes } from './routes/endpoint-operations.ts';
import { endpointFilterRoutes } from './routes/endpoint-filters.ts';
import { endpointOrderingRoutes } from './routes/endpoint-ordering.ts';
import { eventRoutes } from './routes/events.ts';
import { historyRoutes } from './routes/history.ts';
import { jobRoutes } from './routes/jobs.ts';
import { opsRoutes } from './routes/ops.ts';
import { tenantRoutes } from './routes/tenants.ts';
import { applicationRoutes } from './routes/applications.ts';
import { portalSessionRoutes } from './routes/portal-sessions.ts';
import { systemRoutes } from './routes/system.ts';
import { serveWebApps } from './web-apps.ts';
import { InboundReceiver } from '../inbound/inbound-receiver.ts';
import type { SourceRequestLog } from '../inbound/source-request-log.ts';
import { SourceResolver } from '../inbound/source-resolver.ts';
import { documentInbound, inboundRouter } from './routes/inbound.ts';
import { sourceRoutes } from './routes/sources.ts';

export interface HttpDeps {
  log: Logger;
  version: string;
  metrics: Registry;
  tenants: TenantsRepository;
  applications: ApplicationsRepository;
  portalSessions: PortalSessionsRepository;
  endpoints: EndpointsRepository;
  /** Ordered delivery per key: the keys a dead delivery blocked. */
  ordered: OrderedDeliveriesRepository;
  /** Pull endpoints' stored messages, the wake-ups of readers waiting for them, and the stop signal of streams. */
  pull: Omit<PullMessageDeps, 'endpoints' | 'log'>;
  eventTypes: EventTypesRepository;
  eventTypeCache: EventTypeCache;
  validator: SchemaValidator;
  registry: SchemaRegistryClient | undefined;
  /** Compiled event-type schemas, Avro and Protobuf ones cached by registry schema id. */
  schemas: RegistrySchemas;
  targets: TargetChecker;
  publish: PublishService;
  history: {
    events: EventsRepository;
    deliveries: DeliveriesRepository;
    attempts: AttemptsRepository;
    health: EndpointHealthRepository;
    stats: EndpointStatsRepository;
    jobs: RequeueJobsRepository;
    requeue: RequeueRunner;
  };
  ready: () => Promise<Record<string, boolean>>;
  adminToken: string | undefined;
  maxPayloadBytes: number;
  endpointDefaults: EndpointDefaults;
  /** Base of portal links (PUBLIC_URL); unset: the request's own origin. */
  publicUrl: string | undefined;
  systemMetrics: SystemMetrics;
  /** The built portal and console (packages/web/dist). */
  webDir: string;
  /** Inbound sources and their request log. */
  sources: { repository: SourcesRepository; requests: SourceRequestsRepository; log: SourceRequestLog; trustedProxies: readonly string[] };
}

/** Assembles the express application; returns it with the route specs its OpenAPI document is built from. */
export function buildHttpApp(deps: HttpDeps): { app: Express; api: ApiRoutes } {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(requestTracing);
  app.use(requestMetrics(deps.metrics));
  app.use(publishMetrics(deps.metrics));
  const applications = new ApplicationResolver(deps.applications);
  const sourceResolver = new SourceResolver(deps.sources.repository);
  // Inbound webhooks are read as raw bytes (any content type), so they are served ahead of the JSON body parsing.
  app.use(inboundRouter({
    receiver: new InboundReceiver({
      publish: deps.publish, applications, requests: deps.sources.log, log: deps.log,
      buckets: new TokenBuckets({ ratePerSecond: 1, burst: 1 }),
    }),
    resolver: sourceResolver, maxPayloadBytes: deps.maxPayloadBytes, trustedProxies: deps.sources.trustedProxies, metrics: deps.metrics, log: deps.log,
  }));
  app.use(jsonOnly);
  app.use(jsonBody(deps.maxPayloadBytes));

  const router = express.Router();
  const keys = new ApiKeyCache(deps.tenants);
  const admin = requireAdmin(deps.adminToken);
  const api = new ApiRoutes(router, (auth) => (auth === 'admin' ? admin : guard(auth, { keys, sessions: deps.portalSessions, applications })));
  let document: unknown;
  opsRoutes(api, { ready: deps.ready, metrics: deps.metrics, openApi: () => (document ??= openApiDocument(api.specs, { version: deps.version })) });
  tenantRoutes(api, deps.tenants, keys);
  applicationRoutes(api, { applications: deps.applications, resolver: applications });
  portalSessionRoutes(api, { sessions: deps.portalSessions, publicUrl: deps.publicUrl });
  endpointRoutes(api, { endpoints: deps.endpoints, targets: deps.targets, publish: deps.publish, defaults: deps.endpointDefaults });
  endpointFilterRoutes(api, { endpoints: deps.endpoints });
  endpointOrderingRoutes(api, { endpoints: deps.endpoints, ordered: deps.ordered });
  pullMessageRoutes(api, { ...deps.pull, endpoints: deps.endpoints, log: deps.log });
  eventTypeRoutes(api, { eventTypes: deps.eventTypes, cache: deps.eventTypeCache, validator: deps.validator, registry: deps.registry, schemas: deps.schemas });
  eventRoutes(api, deps.publish);
  const h = deps.history;
  historyRoutes(api, { events: h.events, deliveries: h.deliveries, attempts: h.attempts, endpoints: deps.endpoints, requeue: h.requeue, applications });
  endpointOperationRoutes(api, { endpoints: deps.endpoints, health: h.health, stats: h.stats, requeue: h.requeue, applications });
  deadLetterRoutes(api, { deliveries: h.deliveries, endpoints: deps.endpoints, requeue: h.requeue, applications });
  jobRoutes(api, h.jobs);
  systemRoutes(api, deps.systemMetrics);
  sourceRoutes(api, {
    sources: deps.sources.repository, requests: deps.sources.requests, resolver: sourceResolver, applications,
    secretRotationGraceMs: deps.endpointDefaults.secretRotationGraceMs, publicUrl: deps.publicUrl,
  });
  documentInbound(api);
  app.use(router);
  serveWebApps(app, deps.webDir);

  app.use(notFoundHandler);
  app.use(errorHandler(deps.log));
  return { app, api };
}
