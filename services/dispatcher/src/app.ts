import { groupIds, topicNames } from '@hookline/contracts';
import { createPool, EndpointsRepository, migrate, pingDatabase, SecretBox } from '@hookline/db';
import { createKafka, createProducer, ensureTopics } from '@hookline/kafka';
import { startOpsServer, type Logger } from '@hookline/telemetry';
import pkg from '../package.json' with { type: 'json' };
import type { DispatcherConfig } from './config.ts';
import { DeliverConsumer } from './consumers/deliver-consumer.ts';
import { FanoutConsumer } from './consumers/fanout-consumer.ts';
import { WebhookClient } from './http/webhook-client.ts';

/** A running dispatcher. */
export interface DispatcherApp {
  port: number;
  stop(): Promise<void>;
}

/**
 * Wires the dispatcher: the fan-out consumer group (events → deliveries) and the delivery consumer group
 * (deliveries → HTTP → attempts), plus `/healthz` and `/readyz`. `stop()` stops fetching, lets in-flight
 * deliveries finish and commit, then disconnects.
 */
export async function createApp(config: DispatcherConfig, log: Logger): Promise<DispatcherApp> {
  const topics = topicNames(config.TOPIC_PREFIX);
  const groups = groupIds(config.TOPIC_PREFIX);
  await migrate({ url: config.DATABASE_URL, schema: config.DATABASE_SCHEMA, log: (m) => log.info(m) });
  const pool = createPool({ url: config.DATABASE_URL, schema: config.DATABASE_SCHEMA, max: config.DATABASE_POOL_MAX, applicationName: 'hookline-dispatcher' });
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: config.KAFKA_CLIENT_ID ?? 'hookline-dispatcher', log });
  await ensureTopics(
    kafka,
    [topics.events, topics.invalid, topics.deliveries, topics.attempts].map((topic) => ({ topic })),
    { numPartitions: config.TOPIC_PARTITIONS, replicationFactor: config.TOPIC_REPLICATION_FACTOR },
  );
  const producer = createProducer(kafka);
  await producer.connect();
  const admin = kafka.admin();
  await admin.connect();
  const endpoints = new EndpointsRepository(pool, new SecretBox(config.ENCRYPTION_KEY));
  const client = new WebhookClient();

  const fanout = new FanoutConsumer({ consumer: kafka.consumer({ groupId: groups.fanout }), producer, endpoints, topics, log });
  const deliver = new DeliverConsumer({
    consumer: kafka.consumer({ groupId: groups.deliver }),
    producer, endpoints, client, topics, log,
    userAgent: `Hookline/${pkg.version}`,
    defaultTimeoutMs: config.DELIVERY_TIMEOUT_MS,
    concurrency: config.DELIVERY_CONCURRENCY,
  });
  await Promise.all([fanout.start(), deliver.start()]);

  const ops = await startOpsServer({
    host: config.HTTP_HOST,
    port: config.HTTP_PORT,
    ready: async () => ({
      postgres: await pingDatabase(pool),
      kafka: await admin.describeCluster().then(() => true, () => false),
    }),
  });
  log.info({ port: ops.port }, 'dispatcher running');

  return {
    port: ops.port,
    async stop() {
      await Promise.allSettled([fanout.stop(), deliver.stop()]);
      await Promise.allSettled([producer.disconnect(), admin.disconnect(), client.close(), ops.close()]);
      await pool.end();
    },
  };
}
