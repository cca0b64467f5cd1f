import type { KafkaConfig } from '@hookline/config';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { createKafka } from './client.ts';
import { LagReader } from './lag-metrics.ts';
import type { KafkaLogSink } from './logger.ts';
import { createProducer } from './producer.ts';
import { ensureTopics } from './topic-admin.ts';

/** What every service holds of Kafka: the client, its one producer and an admin for readiness checks. */
export interface KafkaHandles {
  kafka: Kafka;
  /** The first of `producers`. */
  producer: Producer;
  /**
   * Idempotent producers (`producers` of {@link openKafka}, default 1). Each has one produce request in flight
   * at a time, so a service that produces on its hot path spreads its sends over several (CoalescingSender lanes).
   */
  producers: Producer[];
  admin: Admin;
  /** Consumer lag for `registerLagMetrics` (its connection opened on the first read, closed by `disconnect`). */
  lag: LagReader;
  /** True when the cluster answers (for `/readyz`). */
  ping(): Promise<boolean>;
  disconnect(): Promise<void>;
}

/** A service's start-up step for Kafka: create the topics it needs if missing, connect producers and an admin. */
export async function openKafka(
  config: KafkaConfig,
  clientId: string,
  topics: readonly string[],
  log: KafkaLogSink,
  opts: { producers?: number } = {},
): Promise<KafkaHandles> {
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: config.KAFKA_CLIENT_ID ?? clientId, log });
  await ensureTopics(kafka, [...new Set(topics)].map((topic) => ({ topic })), {
    numPartitions: config.TOPIC_PARTITIONS,
    replicationFactor: config.TOPIC_REPLICATION_FACTOR,
  });
  const producers = Array.from({ length: Math.max(1, opts.producers ?? 1) }, () => createProducer(kafka));
  const admin = kafka.admin();
  const lag = new LagReader(kafka);
  await Promise.all([...producers.map((p) => p.connect()), admin.connect()]);
  return {
    kafka,
    producer: producers[0]!,
    producers,
    admin,
    lag,
    ping: () => admin.describeCluster().then(() => true, () => false),
    async disconnect() {
      await Promise.allSettled([...producers.map((p) => p.disconnect()), admin.disconnect(), lag.close()]);
    },
  };
}
