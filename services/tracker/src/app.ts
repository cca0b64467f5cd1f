import { drainBudgetMs } from '@hookline/config';
import { groupIds, topicNames } from '@hookline/contracts';
import { openDatabase, pingDatabase } from '@hookline/db';
import { MAX_RECORD_BATCH_BYTES, openKafka, paceFetches, QUIET_FETCHES, registerKafkaRequestMetrics, registerLagMetrics, whenConsumersGiveUp } from '@hookline/kafka';
import { eventDecoderFor } from '@hookline/registry';
import { createMetricsRegistry, lowerCpuPriority, shutdownStep, startOpsServer, type Logger } from '@hookline/telemetry';
import type { TrackerConfig } from './config.ts';
import { TrackerConsumer } from './consumers/tracker-consumer.ts';
import { TrackerMetrics } from './consumers/tracker-metrics.ts';
import { RetentionJob } from './maintenance/retention-job.ts';
import { PgPartitions } from './repositories/pg-partitions.ts';
import { GroupedWrites } from './repositories/grouped-writes.ts';
import { PgTrackingStore } from './repositories/pg-tracking-store.ts';

/** A running tracker. */
export interface TrackerApp {
  port: number;
  /** Resolves when the consumer stopped for good (kafkajs gave up on it): the service should be restarted. */
  failed: Promise<Error>;
  stop(): Promise<void>;
}

/**
 * Wires the tracker: one consumer group on the events, deliveries and attempts topics writing to PostgreSQL, the
 * partition and retention job, and `/healthz` and `/readyz` (not ready while PostgreSQL refuses writes).
 */
export async function createApp(config: TrackerConfig, log: Logger): Promise<TrackerApp> {
  // Its bursts of writes otherwise compete with the delivery path for the cores: at 100 events/s on two cores, p99
  // publish → received 9.6 against 12.0 ms with the tracker at nice 10 (medians of six pairs; bench/RESULTS.md).
  lowerCpuPriority(config.TRACKER_NICE, log);
  const topics = topicNames(config.TOPIC_PREFIX);
  const sourceTopics = config.SOURCE_TOPICS.filter((t) => t !== topics.events);
  const decoder = eventDecoderFor(config, [topics.events, ...sourceTopics]);
  const pool = await openDatabase(config, 'hookline-tracker', (m) => log.info(m));
  const k = await openKafka(config, 'hookline-tracker', [topics.events, topics.deliveries, topics.attempts, topics.invalid, ...sourceTopics], log);

  const retentionJob = new RetentionJob(
    new PgPartitions(pool),
    { retentionDays: config.RETENTION_DAYS, daysAhead: 3, batchRows: config.RETENTION_BATCH_ROWS, maxBatchesPerRun: 200, rollupRetentionDays: 2 },
    log,
  );
  // Today's partitions exist before the first write lands (a failure here is retried at the next interval).
  await retentionJob.runOnce().catch((err: unknown) => log.warn({ err }, 'first retention run failed; retrying at the next interval'));
  const retention = retentionJob.start(config.RETENTION_INTERVAL, { immediately: false });

  const registry = createMetricsRegistry('tracker');
  const groupId = groupIds(config.TOPIC_PREFIX).tracker;
  registerKafkaRequestMetrics(registry, k.kafka);
  registerLagMetrics(registry, k.lag, () => [{ groupId, topics: [topics.events, ...sourceTopics, topics.deliveries, topics.attempts] }]);
  // kafkajs' default fetch (10 MiB) suits the tracker's large batched writes; each partition's share holds the largest batch.
  // The broker holds a fetch until TRACKER_FETCH_MIN_BYTES are there or TRACKER_FETCH_MAX_WAIT passed (128 KiB, 1 s): at
  // moderate rates a fetch would otherwise bring a record or two per partition, each its own transaction (at 100 events/s
  // that tripled the tracker's CPU; bench/RESULTS.md).
  const kafkaConsumer = k.kafka.consumer({
    groupId,
    maxBytesPerPartition: MAX_RECORD_BATCH_BYTES,
    minBytes: config.TRACKER_FETCH_MIN_BYTES,
    maxWaitTimeInMs: config.TRACKER_FETCH_MAX_WAIT,
  });
  // Quiet (10 s without a record): a fetch may wait 3 s, and the first record ends it at once (QUIET_FETCHES).
  paceFetches(kafkaConsumer, () => undefined, { quiet: QUIET_FETCHES });
  const failed = whenConsumersGiveUp([kafkaConsumer], log);
  const consumer = new TrackerConsumer({
    consumer: kafkaConsumer,
    producer: k.producer,
    // The partitions of one fetch are written in one transaction per kind of record, not one each.
    store: new GroupedWrites(new PgTrackingStore(pool, config.TRACKER_BATCH_ROWS)),
    topics,
    sourceTopics,
    decoder,
    log,
    concurrency: config.TRACKER_CONCURRENCY,
    metrics: new TrackerMetrics(registry),
  });
  await consumer.start();

  const ops = await startOpsServer({
    host: config.HTTP_HOST,
    port: config.HTTP_PORT,
    ready: async () => ({ postgres: await pingDatabase(pool), kafka: await k.ping(), writes: consumer.writable }),
    metrics: registry,
  });
  log.info({ port: ops.port }, 'tracker running');

  return {
    port: ops.port,
    failed,
    async stop() {
      await Promise.allSettled([
        shutdownStep('attempts consumer', consumer.stop(drainBudgetMs(config.SHUTDOWN_TIMEOUT_MS))),
        shutdownStep('retention', retention.stop()),
      ]);
      await Promise.allSettled([shutdownStep('kafka producers', k.disconnect()), shutdownStep('ops server', ops.close())]);
      await shutdownStep('postgres pool', pool.end());
    },
  };
}
