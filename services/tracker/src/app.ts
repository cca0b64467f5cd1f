import { groupIds, topicNames } from '@hookline/contracts';
import { createPool, migrate, pingDatabase } from '@hookline/db';
import { createKafka, createProducer, ensureTopics } from '@hookline/kafka';
import { startOpsServer, type Logger } from '@hookline/telemetry';
import type { TrackerConfig } from './config.ts';
import { AttemptsConsumer } from './consumers/attempts-consumer.ts';
import { PgAttemptWriter } from './repositories/pg-attempt-writer.ts';

/** A running tracker. */
export interface TrackerApp {
  port: number;
  stop(): Promise<void>;
}

/** Wires the tracker: the attempts consumer group writing to PostgreSQL, plus `/healthz` and `/readyz`. */
export async function createApp(config: TrackerConfig, log: Logger): Promise<TrackerApp> {
  const topics = topicNames(config.TOPIC_PREFIX);
  await migrate({ url: config.DATABASE_URL, schema: config.DATABASE_SCHEMA, log: (m) => log.info(m) });
  const pool = createPool({ url: config.DATABASE_URL, schema: config.DATABASE_SCHEMA, max: config.DATABASE_POOL_MAX, applicationName: 'hookline-tracker' });
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: config.KAFKA_CLIENT_ID ?? 'hookline-tracker', log });
  await ensureTopics(kafka, [{ topic: topics.attempts }, { topic: topics.invalid }], {
    numPartitions: config.TOPIC_PARTITIONS,
    replicationFactor: config.TOPIC_REPLICATION_FACTOR,
  });
  const producer = createProducer(kafka);
  await producer.connect();
  const admin = kafka.admin();
  await admin.connect();

  const attempts = new AttemptsConsumer({
    consumer: kafka.consumer({ groupId: groupIds(config.TOPIC_PREFIX).tracker }),
    producer,
    writer: new PgAttemptWriter(pool, config.TRACKER_BATCH_ROWS),
    topics,
    log,
  });
  await attempts.start();

  const ops = await startOpsServer({
    host: config.HTTP_HOST,
    port: config.HTTP_PORT,
    ready: async () => ({
      postgres: await pingDatabase(pool),
      kafka: await admin.describeCluster().then(() => true, () => false),
    }),
  });
  log.info({ port: ops.port }, 'tracker running');

  return {
    port: ops.port,
    async stop() {
      await attempts.stop();
      await Promise.allSettled([producer.disconnect(), admin.disconnect(), ops.close()]);
      await pool.end();
    },
  };
}
