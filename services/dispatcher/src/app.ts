import { drainBudgetMs } from '@hookline/config';
import { groupIds, topicNames } from '@hookline/contracts';
import { DeliveriesRepository, EndpointDirectoryRepository, EndpointHealthRepository, openDatabase, OrderedDeliveriesRepository, pingDatabase, PullMessagesRepository, SecretBox } from '@hookline/db';
import { CoalescingSender, CONSUMER_FETCH_SIZES, INTERNAL_FETCH_SIZES, openKafka, paceFetches, QUIET_FETCHES, registerKafkaRequestMetrics, registerLagMetrics, whenConsumersGiveUp } from '@hookline/kafka';
import { eventDecoderFor } from '@hookline/registry';
import { isValidSecret } from '@hookline/signing';
import { createMetricsRegistry, shutdownStep, startOpsServer, type Logger } from '@hookline/telemetry';
import pkg from '../package.json' with { type: 'json' };
import type { DispatcherConfig } from './config.ts';
import { createDeliverConsumer } from './deliver/deliver-consumer.ts';
import { FanoutConsumer } from './fanout/fanout-consumer.ts';
import { BreakerRegistry } from './deliver/breakers.ts';
import { Deliverer } from './deliver/deliverer.ts';
import { SucceededCheck } from './deliver/succeeded-check.ts';
import { DispatcherMetrics } from './metrics/dispatcher-metrics.ts';
import { EndpointLimits } from './deliver/endpoint-limits.ts';
import { HealthTracker } from './deliver/health-tracker.ts';
import { OperationalEvents, operationalEndpoint } from './handoff/operational-events.ts';
import { createRetryTierConsumer } from './retry/retry-tier-consumer.ts';
import { longestRetryWaitMs, tiersOf } from './domain/retry-policy.ts';
import { AddressPolicy, type HostResolver } from '@hookline/netguard';
import { createGuardedAgent } from './deliver/guarded-agent.ts';
import { WebhookClient } from './deliver/webhook-client.ts';
import { KafkaDestinationClient } from './deliver/kafka-destination-client.ts';
import { PullStoreClient } from './deliver/pull-store-client.ts';
import { EndpointDirectory } from './fanout/endpoint-directory.ts';
import { OrderingGate } from './deliver/ordering-gate.ts';

/**
 * How long hand-off records (attempts, retry tiers, dead letters) may wait in the sender for other records: at
 * 100 events/s fan-out sends every ~10 ms, so they ride along with its next request.
 */
const HAND_OFF_LINGER_MS = 20;

/** A running dispatcher. */
export interface DispatcherApp {
  port: number;
  /** Breaker state of an endpoint on this instance (closed when it has none). */
  circuitState(endpointId: string): 'closed' | 'open' | 'half_open';
  /** Ids of the endpoints this instance's in-memory directory would fan an event of `type` out to. */
  subscribed(tenantId: string, type: string): string[];
  /** Resolves when a consumer stopped for good (kafkajs gave up on it): the service should be restarted. */
  failed: Promise<Error>;
  stop(): Promise<void>;
}

/** Test seams: a DNS resolver for the SSRF guard. */
export interface DispatcherOverrides {
  resolve?: HostResolver;
}

/**
 * Wires the dispatcher: the in-memory endpoint directory (LISTEN/NOTIFY), fan-out (events → deliveries), and
 * delivery of fresh deliveries and retry tiers (→ HTTP → attempts, retry tiers, dead-letter, operational), plus
 * `/healthz` and `/readyz`. `stop()` stops fetching, lets in-flight deliveries finish or hands them off
 * (uncommitted), commits, then disconnects.
 */
export async function createApp(config: DispatcherConfig, log: Logger, overrides: DispatcherOverrides = {}): Promise<DispatcherApp> {
  if (config.OPERATIONAL_WEBHOOK_URL && !(config.OPERATIONAL_WEBHOOK_SECRET && isValidSecret(config.OPERATIONAL_WEBHOOK_SECRET))) {
    throw new Error('OPERATIONAL_WEBHOOK_SECRET: a whsec_ secret is required when OPERATIONAL_WEBHOOK_URL is set');
  }
  const topics = topicNames(config.TOPIC_PREFIX);
  const groups = groupIds(config.TOPIC_PREFIX);
  const tiers = tiersOf(config.RETRY_SCHEDULE);
  const retryTopics = tiers.map((t) => topics.retry(t.label));
  const sourceTopics = config.SOURCE_TOPICS.filter((t) => t !== topics.events);
  const decoder = eventDecoderFor(config, [topics.events, ...sourceTopics]);
  const pool = await openDatabase(config, 'hookline-dispatcher', (m) => log.info(m));
  const k = await openKafka(
    config,
    'hookline-dispatcher',
    [topics.events, topics.invalid, topics.deliveries, topics.attempts, topics.deadLetter, topics.operational, ...retryTopics, ...sourceTopics],
    // One producer for fan-out and attempts. Giving fan-out a producer of its own and attempts two (more requests in
    // flight) was measured slower end to end (329–380 against 580 deliveries/s at saturation): fan-out ran further
    // ahead of delivery and the requests got smaller. bench/RESULTS.md, step 3.
    log,
  );
  const { kafka, producer } = k;
  const box = new SecretBox(config.ENCRYPTION_KEY);
  const endpointsRepo = new EndpointDirectoryRepository(pool, box);
  const deliveriesRepo = new DeliveriesRepository(pool);
  const healthRepo = new EndpointHealthRepository(pool);
  const directory = new EndpointDirectory({ repo: endpointsRepo, pool, log });
  if (config.OPERATIONAL_WEBHOOK_URL) directory.addStatic(operationalEndpoint(config.OPERATIONAL_WEBHOOK_URL, config.OPERATIONAL_WEBHOOK_SECRET!));
  await directory.start();

  const policy = new AddressPolicy({ allowPrivate: config.ALLOW_PRIVATE_TARGETS, allowlist: config.TARGET_ALLOWLIST });
  const client = new WebhookClient({
    agent: createGuardedAgent(policy, { dnsServers: config.DNS_SERVERS, ...(overrides.resolve ? { resolve: overrides.resolve } : {}) }),
    allowHttp: config.ALLOW_HTTP_TARGETS,
  });
  const kafkaDestinations = new KafkaDestinationClient({
    policy, log, clientId: `hookline-dispatcher/${pkg.version}`, dnsServers: config.DNS_SERVERS,
    ...(overrides.resolve ? { resolve: overrides.resolve } : {}),
  });
  const breakers = new BreakerRegistry(
    {
      errorThresholdPercent: config.CIRCUIT_ERROR_THRESHOLD_PERCENT,
      volumeThreshold: config.CIRCUIT_VOLUME_THRESHOLD,
      windowMs: config.CIRCUIT_WINDOW,
      resetTimeoutMs: config.CIRCUIT_RESET_TIMEOUT,
      maxBreakers: config.CIRCUIT_MAX_BREAKERS,
    },
    { onChange: Deliverer.circuitChanged(healthRepo, log) },
  );
  const registry = createMetricsRegistry('dispatcher');
  const metrics = new DispatcherMetrics(registry, {
    endpointLabels: config.METRICS_ENDPOINT_LABELS,
    applicationLabels: config.METRICS_APPLICATION_LABELS,
    // Read at scrape time, once the consumers below exist.
    inFlight: (): number => deliver.inFlight + retry.inFlight,
    heldEvents: (): number => fanout.held,
    breakers: () => breakers.notClosed(),
  });
  registerKafkaRequestMetrics(registry, k.kafka);
  registerLagMetrics(registry, k.lag, () => [
    { groupId: groups.fanout, topics: [topics.events, ...sourceTopics] },
    { groupId: groups.deliver, topics: [topics.deliveries] },
    { groupId: groups.deliverRetry, topics: retryTopics },
  ]);
  // One sender over the one producer for fan-out's delivery records and the hand-off records after attempts; the
  // latter may wait up to HAND_OFF_LINGER_MS for a request to share (issue 19: produce requests per event).
  const sender = new CoalescingSender(producer, { lingerMs: HAND_OFF_LINGER_MS });
  const deliverer = new Deliverer({
    sender, topics, directory, endpoints: endpointsRepo, healthRepo,
    health: new HealthTracker(healthRepo, config.ENDPOINT_DISABLE_AFTER),
    client, kafka: kafkaDestinations, pull: new PullStoreClient(new PullMessagesRepository(pool)), breakers, limits: new EndpointLimits(),
    operational: new OperationalEvents(topics, { webhook: Boolean(config.OPERATIONAL_WEBHOOK_URL) }),
    schedule: config.RETRY_SCHEDULE, tiers,
    userAgent: `Hookline/${pkg.version}`,
    defaultTimeoutMs: config.DELIVERY_TIMEOUT_MS,
    defaultMaxConcurrency: config.ENDPOINT_MAX_CONCURRENCY,
    log,
    metrics,
  });

  // Small fetches whose per-partition share holds the largest batch of what each consumer reads (fetch-sizes.ts).
  const fetchSizes = INTERNAL_FETCH_SIZES;
  // A fetch with nothing to read waits at the broker for at most 1 s (kafkajs' default is 5 s): stopping waits for the
  // fetch in flight, and so does a partition resumed while it is out. After 10 s without a record and with nothing
  // paused, 3 s (QUIET_FETCHES: an idle dispatcher's fetches).
  const consumers = {
    fanout: kafka.consumer({ groupId: groups.fanout, maxWaitTimeInMs: 1_000, ...CONSUMER_FETCH_SIZES }),
    deliveries: kafka.consumer({ groupId: groups.deliver, maxWaitTimeInMs: 1_000, ...fetchSizes }),
    // Until it joined; then each fetch waits until a retry record arrives or the earliest paused head is due
    // (retry/retry-tier-consumer.ts: at most 1 s).
    retries: kafka.consumer({ groupId: groups.deliverRetry, maxWaitTimeInMs: 500, ...fetchSizes }),
  };
  paceFetches(consumers.fanout, () => undefined, { quiet: QUIET_FETCHES });
  const failed = whenConsumersGiveUp(Object.values(consumers), log);
  const ordering = new OrderingGate({
    repo: new OrderedDeliveriesRepository(pool), sender, deliveriesTopic: topics.deliveries, log,
    ordered: (id) => {
      const endpoint = directory.get(id);
      return endpoint === undefined ? undefined : endpoint.ordering === 'key';
    },
  });
  ordering.start();
  const handling = {
    producer, deliverer, directory, ordering, topics, log, metrics,
    succeeded: new SucceededCheck((ids) => deliveriesRepo.succeededAmong(ids), log),
    partitionsConcurrently: config.DELIVERY_CONCURRENCY,
    maxInFlight: config.DELIVERY_MAX_IN_FLIGHT,
  };
  const deliver = createDeliverConsumer({
    ...handling,
    consumer: consumers.deliveries,
    // A sole dispatcher without ordered endpoints starts every delivery from the hand-over: its fetches may wait.
    pace: {
      partitionCount: async () => (await k.admin.fetchTopicMetadata({ topics: [topics.deliveries] })).topics[0]?.partitions.length ?? Number.POSITIVE_INFINITY,
      orderedEndpoints: () => directory.orderedCount,
    },
  });
  // Fan-out hands its acknowledged delivery records straight to the deliver pipeline (when their partition is ours).
  const fanout = new FanoutConsumer({ consumer: consumers.fanout, producer, sender, directory, topics, sourceTopics, decoder, log, handover: deliver });
  const retry = createRetryTierConsumer({ ...handling, consumer: consumers.retries, retryTopics, longestRetryWaitMs: longestRetryWaitMs(config.RETRY_SCHEDULE) });
  await Promise.all([fanout.start(), deliver.start(), retry.start()]);

  const ops = await startOpsServer({
    host: config.HTTP_HOST,
    port: config.HTTP_PORT,
    ready: async () => ({ postgres: await pingDatabase(pool), kafka: await k.ping() }),
    metrics: registry,
  });
  log.info({ port: ops.port, retry_topics: retryTopics }, 'dispatcher running');

  return {
    port: ops.port,
    failed,
    circuitState: (id) => breakers.state(id),
    subscribed: (tenantId, type) => directory.subscribedInTenant(tenantId, type).map((e) => e.id),
    async stop() {
      const drainMs = drainBudgetMs(config.SHUTDOWN_TIMEOUT_MS);
      await Promise.allSettled([
        shutdownStep('fan-out consumer', fanout.stop(drainMs)),
        shutdownStep('deliver consumer', deliver.stop(drainMs)),
        shutdownStep('retry consumer', retry.stop(drainMs)),
      ]);
      breakers.shutdown();
      ordering.stop();
      await Promise.allSettled([
        shutdownStep('endpoint directory', directory.close()),
        shutdownStep('kafka producers', k.disconnect()),
        shutdownStep('http client', client.close()),
        shutdownStep('kafka destinations', kafkaDestinations.close()),
        shutdownStep('ops server', ops.close()),
      ]);
      await shutdownStep('postgres pool', pool.end());
    },
  };
}
