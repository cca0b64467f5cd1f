import { groupIds, topicNames } from '@hookline/contracts';
import { EndpointsRepository, openDatabase, pingDatabase, SecretBox } from '@hookline/db';
import { openKafka } from '@hookline/kafka';
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
  const pool = await openDatabase(config, 'hookline-dispatcher', (m) => log.info(m));
  const k = await openKafka(config, 'hookline-dispatcher', [topics.events, topics.invalid, topics.deliveries, topics.attempts], log);
  const { kafka, producer } = k;
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
    ready: async () => ({ postgres: await pingDatabase(pool), kafka: await k.ping() }),
  });
  log.info({ port: ops.port }, 'dispatcher running');

  return {
    port: ops.port,
    async stop() {
      await Promise.allSettled([fanout.stop(), deliver.stop()]);
      await Promise.allSettled([k.disconnect(), client.close(), ops.close()]);
      await pool.end();
    },
  };
}
