import { randomBytes } from 'node:crypto';
import { groupIds, topicNames } from '@hookline/contracts';
import { createPool, generateEncryptionKey } from '@hookline/db';
import { createKafka } from '@hookline/kafka';
import type { TestWorld } from '@hookline/testing';
import type { Admin } from 'kafkajs';
import { startPipeline, type Pipeline } from '../../test/support/pipeline.ts';

/** The three services in this process, on topics and a schema of their own (the micro-benchmarks of issue 22). */
export interface InProcessStack {
  world: TestWorld;
  env: Record<string, string> & { ADMIN_TOKEN: string };
  pipeline: Pipeline;
  admin: Admin;
  /** The topic prefix (topics `<prefix>.…`). */
  prefix: string;
  /** Stops the services and removes the stack's topics, consumer groups and schema. */
  stop(): Promise<void>;
}

/**
 * Starts ingest, dispatcher and tracker in-process against `KAFKA_BROKERS` / `DATABASE_URL` (the dev defaults
 * otherwise), 6 partitions, tracing off and warn logs, under topic prefix `bench.<tag>_<id>`; `BENCH_SERVICE_ENV`
 * (a JSON object) adds variables for the services.
 */
export async function startInProcessStack(tag: string): Promise<InProcessStack> {
  const brokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
  const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:55432/hookline';
  const id = randomBytes(4).toString('hex');
  const prefix = `bench.${tag}_${id}`;
  const schema = `bench_${tag}_${id}`;
  const kafka = createKafka({ brokers, clientId: `bench-${id}` });
  const pool = createPool({ url: databaseUrl, schema, max: 2, applicationName: 'bench' });
  const env = {
    KAFKA_BROKERS: brokers, DATABASE_URL: databaseUrl, DATABASE_SCHEMA: schema, TOPIC_PREFIX: prefix, TOPIC_PARTITIONS: '6',
    ENCRYPTION_KEY: generateEncryptionKey(), ADMIN_TOKEN: `admin_${randomBytes(16).toString('hex')}`,
    ALLOW_HTTP_TARGETS: 'true', ALLOW_PRIVATE_TARGETS: 'true', OTEL_SDK_DISABLED: 'true', LOG_LEVEL: 'warn', HTTP_PORT: '0',
    TENANT_PUBLISH_RATE: '100000',
    ...(JSON.parse(process.env.BENCH_SERVICE_ENV ?? '{}') as Record<string, string>),
  };
  const world = { env, prefix, schema, topics: topicNames(prefix), groups: groupIds(prefix), kafka, pool, kafkaBrokers: brokers, databaseUrl } as unknown as TestWorld;
  const admin = kafka.admin();
  await admin.connect();
  const pipeline = await startPipeline(world);
  return {
    world, env, pipeline, admin, prefix,
    async stop() {
      await pipeline.stop();
      const mine = (await admin.listTopics()).filter((t) => t.startsWith(`${prefix}.`));
      if (mine.length > 0) await admin.deleteTopics({ topics: mine }).catch(() => {});
      const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(`${prefix}.`));
      if (groups.length > 0) await admin.deleteGroups(groups).catch(() => {});
      await admin.disconnect();
      await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await pool.end();
    },
  };
}
