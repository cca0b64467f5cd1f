import type { KafkaConfig } from '@hookline/config';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { createKafka } from './client.ts';
import type { KafkaLogSink } from './logger.ts';
import { createProducer } from './producer.ts';
import { ensureTopics } from './topic-admin.ts';

/** What every service holds of Kafka: the client, its one producer and an admin for readiness checks. */
export interface KafkaHandles {
  kafka: Kafka;
  producer: Producer;
  admin: Admin;
  /** True when the cluster answers (for `/readyz`). */
  ping(): Promise<boolean>;
  disconnect(): Promise<void>;
}

/** A service's start-up step for Kafka: create the topics it needs if missing, connect a producer and an admin. */
export async function openKafka(config: KafkaConfig, clientId: string, topics: readonly string[], log: KafkaLogSink): Promise<KafkaHandles> {
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: config.KAFKA_CLIENT_ID ?? clientId, log });
  await ensureTopics(kafka, [...new Set(topics)].map((topic) => ({ topic })), {
    numPartitions: config.TOPIC_PARTITIONS,
    replicationFactor: config.TOPIC_REPLICATION_FACTOR,
  });
  const producer = createProducer(kafka);
  const admin = kafka.admin();
  await Promise.all([producer.connect(), admin.connect()]);
  return {
    kafka,
    producer,
    admin,
    ping: () => admin.describeCluster().then(() => true, () => false),
    async disconnect() {
      await Promise.allSettled([producer.disconnect(), admin.disconnect()]);
    },
  };
}
