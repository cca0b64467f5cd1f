import { groupIds, topicNames } from '@hookline/contracts';
import { openDatabase, pingDatabase } from '@hookline/db';
import { openKafka } from '@hookline/kafka';
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
  const pool = await openDatabase(config, 'hookline-tracker', (m) => log.info(m));
  const k = await openKafka(config, 'hookline-tracker', [topics.attempts, topics.invalid], log);

  const attempts = new AttemptsConsumer({
    consumer: k.kafka.consumer({ groupId: groupIds(config.TOPIC_PREFIX).tracker }),
    producer: k.producer,
    writer: new PgAttemptWriter(pool, config.TRACKER_BATCH_ROWS),
    topics,
    log,
  });
  await attempts.start();

  const ops = await startOpsServer({
    host: config.HTTP_HOST,
    port: config.HTTP_PORT,
    ready: async () => ({ postgres: await pingDatabase(pool), kafka: await k.ping() }),
  });
  log.info({ port: ops.port }, 'tracker running');

  return {
    port: ops.port,
    async stop() {
      await attempts.stop();
      await Promise.allSettled([k.disconnect(), ops.close()]);
      await pool.end();
    },
  };
}
