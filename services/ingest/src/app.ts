import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TokenBuckets, topicNames } from '@hookline/contracts';
import {
  ApplicationsRepository,
  AttemptsRepository,
  DeliveriesRepository,
  EndpointHealthRepository,
  EndpointsRepository,
  OrderedDeliveriesRepository,
  EndpointStatsRepository,
  EventsRepository,
  EventTypesRepository,
  IdempotencyRepository,
  listenPullMessages,
  openDatabase,
  pingDatabase,
  PortalSessionsRepository,
  PullMessagesRepository,
  RequeueJobsRepository,
  SecretBox,
  SourceRequestsRepository,
  SourcesRepository,
  TenantsRepository,
} from '@hookline/db';
import { openKafka, registerKafkaRequestMetrics } from '@hookline/kafka';
import { webDistDir } from '@hookline/web';
import { createMetricsRegistry, shutdownStep, type Logger } from '@hookline/telemetry';
import pkg from '../package.json' with { type: 'json' };
import type { IngestConfig } from './config.ts';
import { answerClientErrors } from './http/client-errors.ts';
import { registeredRoutes } from './http/registered-routes.ts';
import { buildHttpApp } from './http/server.ts';
import { EventPublisher } from './kafka/event-publisher.ts';
import { EventTypeCache } from './publishing/event-type-cache.ts';
import { PublishService } from './publishing/publish-service.ts';
import { SourceRequestLog } from './inbound/source-request-log.ts';
import { RequeueRunner } from './requeue/requeue-runner.ts';
import { RegistrySchemas } from './schemas/registry-schemas.ts';
import { SchemaRegistryClient } from './schemas/schema-registry-client.ts';
import { SchemaValidator } from './schemas/schema-validator.ts';
import { SystemMetrics } from './system/system-metrics.ts';
import { TargetChecker } from './targets/target-checker.ts';

/** How often ingest deletes expired temporary pull endpoints. */
const EXPIRED_ENDPOINT_SWEEP_MS = 5_000;

/** A running ingest service. */
export interface IngestApp {
  /** The bound HTTP port (useful when HTTP_PORT=0). */
  port: number;
  url: string;
  /** Every route the HTTP server serves (method, express path). */
  routes: Array<{ method: string; path: string }>;
  stop(): Promise<void>;
}

/**
 * Wires the ingest service: migrates the database, ensures the topics, connects the idempotent producer and
 * serves the HTTP API. `stop()` closes the listener (finishing in-flight requests) and disconnects.
 */
export async function createApp(config: IngestConfig, log: Logger): Promise<IngestApp> {
  const topics = topicNames(config.TOPIC_PREFIX);
  const targets = new TargetChecker({
    allowHttp: config.ALLOW_HTTP_TARGETS,
    allowPrivate: config.ALLOW_PRIVATE_TARGETS,
    allowlist: config.TARGET_ALLOWLIST,
    dnsServers: config.DNS_SERVERS,
  });
  const pool = await openDatabase(config, 'hookline-ingest', (m) => log.info(m));
  // Publishes spread over three idempotent producers: each has one produce request in flight at a time.
  const k = await openKafka(config, 'hookline-ingest', [topics.events, topics.invalid, topics.deliveries], log, { producers: 3 });
  const validator = new SchemaValidator();
  const registry = config.SCHEMA_REGISTRY_URL ? new SchemaRegistryClient(config.SCHEMA_REGISTRY_URL) : undefined;
  const schemas = new RegistrySchemas(registry, validator);
  const eventTypes = new EventTypesRepository(pool);
  const eventTypeCache = new EventTypeCache(eventTypes);
  const idempotency = new IdempotencyRepository(pool);
  const deliveries = new DeliveriesRepository(pool);
  const jobs = new RequeueJobsRepository(pool);
  const requeue = new RequeueRunner({ jobs, deliveries, producer: k.producer, deliveriesTopic: topics.deliveries, log, batchSize: config.REQUEUE_BATCH_SIZE });
  requeue.start();

  const metrics = createMetricsRegistry('ingest');
  registerKafkaRequestMetrics(metrics, k.kafka);
  const portalSessions = new PortalSessionsRepository(pool);
  const sourceRequests = new SourceRequestsRepository(pool);
  const sourceRequestLog = new SourceRequestLog(sourceRequests, log);
  const pullMessages = new PullMessagesRepository(pool);
  const pullWakeups = await listenPullMessages(pool, (err) => log.warn({ err }, 'listening for pull messages failed; reconnecting'));
  const stopping = new AbortController();
  const { app } = buildHttpApp({
    log,
    version: pkg.version,
    metrics,
    tenants: new TenantsRepository(pool),
    applications: new ApplicationsRepository(pool),
    portalSessions,
    endpoints: new EndpointsRepository(pool, new SecretBox(config.ENCRYPTION_KEY)),
    ordered: new OrderedDeliveriesRepository(pool),
    pull: { messages: pullMessages, wakeups: pullWakeups, stopping: stopping.signal },
    eventTypes,
    eventTypeCache,
    validator,
    registry,
    schemas,
    targets,
    publish: new PublishService({
      publisher: new EventPublisher(k.producers, topics.events, config.PUBLISH_TIMEOUT_MS),
      eventTypes: eventTypeCache,
      schemas,
      idempotency,
      buckets: new TokenBuckets({ ratePerSecond: config.TENANT_PUBLISH_RATE, burst: config.TENANT_PUBLISH_RATE }),
      lockMs: config.PUBLISH_TIMEOUT_MS + 5_000,
    }),
    history: {
      events: new EventsRepository(pool),
      deliveries,
      attempts: new AttemptsRepository(pool),
      health: new EndpointHealthRepository(pool),
      stats: new EndpointStatsRepository(pool),
      jobs,
      requeue,
    },
    ready: async () => ({
      postgres: await pingDatabase(pool),
      kafka: await k.ping(),
      ...(registry ? { schemaRegistry: await registry.ping() } : {}),
    }),
    adminToken: config.ADMIN_TOKEN,
    maxPayloadBytes: config.MAX_PAYLOAD_BYTES,
    endpointDefaults: {
      timeoutMs: config.DELIVERY_TIMEOUT_MS,
      maxConcurrency: config.ENDPOINT_MAX_CONCURRENCY,
      secretRotationGraceMs: config.SECRET_ROTATION_GRACE,
    },
    publicUrl: config.PUBLIC_URL,
    systemMetrics: new SystemMetrics(metrics, [
      ...(config.DISPATCHER_METRICS_URL ? [{ name: 'dispatcher', url: config.DISPATCHER_METRICS_URL }] : []),
      ...(config.TRACKER_METRICS_URL ? [{ name: 'tracker', url: config.TRACKER_METRICS_URL }] : []),
    ]),
    webDir: webDistDir,
    sources: { repository: new SourcesRepository(pool, new SecretBox(config.ENCRYPTION_KEY)), requests: sourceRequests, log: sourceRequestLog, trustedProxies: config.INBOUND_TRUSTED_PROXIES },
  });

  const purge = setInterval(() => {
    idempotency.purgeExpired().catch((err: unknown) => log.warn({ err }, 'purging expired idempotency keys failed'));
    portalSessions.deleteEnded().catch((err: unknown) => log.warn({ err }, 'purging ended portal sessions failed'));
    sourceRequests.deleteOlderThan(new Date(Date.now() - config.SOURCE_REQUEST_RETENTION))
      .catch((err: unknown) => log.warn({ err }, 'purging old inbound source requests failed'));
  }, 600_000);
  purge.unref();
  // Temporary pull endpoints (`hookline listen`) whose consumer stopped reading are deleted within this interval.
  const sweep = setInterval(() => {
    pullMessages
      .deleteExpiredEndpoints(500)
      .then((ids) => ids.length > 0 && log.info({ endpoint_ids: ids }, 'deleted expired temporary pull endpoints'))
      .catch((err: unknown) => log.warn({ err }, 'deleting expired temporary pull endpoints failed'));
  }, EXPIRED_ENDPOINT_SWEEP_MS);
  sweep.unref();

  // Headers and body must arrive within HTTP_REQUEST_TIMEOUT, checked every second (Node's defaults: 60 s for
  // the headers, 5 min for the whole request, checked every 30 s), so a slowloris client is dropped quickly.
  const server: Server = createServer(
    { requestTimeout: config.HTTP_REQUEST_TIMEOUT, headersTimeout: config.HTTP_REQUEST_TIMEOUT, connectionsCheckingInterval: 1_000 },
    app,
  );
  answerClientErrors(server, (err, status) => log.debug({ err, status }, 'refused a malformed or late request'));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.HTTP_PORT, config.HTTP_HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.keepAliveTimeout = 65_000;
  const port = (server.address() as AddressInfo).port;
  log.info({ port, host: config.HTTP_HOST }, 'ingest listening');

  return {
    port,
    url: `http://${config.HTTP_HOST}:${port}`,
    routes: registeredRoutes(app),
    async stop() {
      clearInterval(purge);
      clearInterval(sweep);
      // Long polls answer and message streams end, so the server can close.
      stopping.abort();
      await shutdownStep('requeue', requeue.stop());
      await shutdownStep(
        'http server',
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        }),
      );
      await shutdownStep('source request log', sourceRequestLog.close());
      await shutdownStep('pull wake-ups', pullWakeups.close());
      await shutdownStep('kafka producers', k.disconnect());
      await shutdownStep('postgres pool', pool.end());
    },
  };
}
