import { randomBytes } from 'node:crypto';
import { groupIds, topicNames, type GroupIds, type TopicNames } from '@hookline/contracts';
import { createPool, generateEncryptionKey } from '@hookline/db';
import { createKafka } from '@hookline/kafka';
import type { Kafka } from 'kafkajs';
import type pg from 'pg';
import { infra } from './infra-context.ts';

/** A test file's own world: its topic prefix, consumer groups and database schema, torn down afterwards. */
export interface TestWorld {
  /** Unique per test file: prefix of every topic and consumer group. */
  prefix: string;
  /** Unique per test file: the PostgreSQL schema holding its tables. */
  schema: string;
  topics: TopicNames;
  groups: GroupIds;
  kafkaBrokers: string;
  databaseUrl: string;
  /** A kafkajs client for the test's own producing and consuming. */
  kafka: Kafka;
  /** A pool on the world's schema, for assertions. */
  pool: pg.Pool;
  /** Environment variables that put a service into this world (merge your own on top). */
  env: Record<string, string>;
  /** Deletes the world's topics and drops its schema. */
  cleanup(): Promise<void>;
}

/** Creates a world named after the test file (letters and digits of `name`, plus random bits). */
export function createTestWorld(name: string): TestWorld {
  const { kafkaBrokers, databaseUrl } = infra();
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '').slice(0, 30) || 'test';
  const id = `${slug}_${randomBytes(4).toString('hex')}`;
  const prefix = `t.${id}`;
  const schema = `t_${id}`;
  const kafka = createKafka({ brokers: kafkaBrokers, clientId: `test-${id}` });
  const pool = createPool({ url: databaseUrl, schema, max: 4, applicationName: `test-${id}` });
  return {
    prefix,
    schema,
    topics: topicNames(prefix),
    groups: groupIds(prefix),
    kafkaBrokers,
    databaseUrl,
    kafka,
    pool,
    env: {
      KAFKA_BROKERS: kafkaBrokers,
      DATABASE_URL: databaseUrl,
      DATABASE_SCHEMA: schema,
      TOPIC_PREFIX: prefix,
      TOPIC_PARTITIONS: '3',
      ENCRYPTION_KEY: generateEncryptionKey(),
      ADMIN_TOKEN: `admin_${randomBytes(16).toString('hex')}`,
      ALLOW_HTTP_TARGETS: 'true',
      ALLOW_PRIVATE_TARGETS: 'true',
      OTEL_SDK_DISABLED: 'true',
      LOG_LEVEL: 'warn',
      HTTP_PORT: '0',
    },
    async cleanup() {
      const admin = kafka.admin();
      await admin.connect();
      try {
        const mine = (await admin.listTopics()).filter((t) => t.startsWith(`${prefix}.`));
        if (mine.length > 0) await admin.deleteTopics({ topics: mine });
        const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(`${prefix}.`));
        if (groups.length > 0) await admin.deleteGroups(groups).catch(() => {});
      } finally {
        await admin.disconnect();
      }
      await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await pool.end();
    },
  };
}
