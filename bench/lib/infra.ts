import { readdirSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createPool } from '@hookline/db';
import { createKafka } from '@hookline/kafka';
import type { Kafka } from 'kafkajs';
import { startKafka, stopKafka } from '../../infra/kafka/launcher.ts';
import { startPostgres, stopPostgres } from '../../infra/postgres/launcher.ts';

/** The broker and database a bench run uses, and how to give back what it started. */
export interface Infra {
  kafkaBrokers: string;
  databaseUrl: string;
  /** Stops only what this run started (nothing when both were reused), unless HOOKLINE_KEEP_INFRA=true. */
  release(): Promise<void>;
}

/**
 * `KAFKA_BROKERS` / `DATABASE_URL` when set; otherwise the local launchers, which reuse a broker or cluster already
 * answering on 127.0.0.1 and start one only when none does.
 */
export async function acquireInfra(log: (msg: string) => void): Promise<Infra> {
  const stops: Array<() => Promise<void>> = [];
  let kafkaBrokers = process.env.KAFKA_BROKERS;
  if (!kafkaBrokers) {
    const k = await startKafka({ log });
    kafkaBrokers = k.brokers;
    if (!k.reused) stops.push(() => stopKafka({ log }));
  }
  let databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    const p = await startPostgres({ log });
    databaseUrl = p.databaseUrl;
    if (!p.reused) stops.push(() => stopPostgres({ log }));
  }
  return {
    kafkaBrokers,
    databaseUrl,
    async release() {
      if (process.env.HOOKLINE_KEEP_INFRA === 'true') return;
      for (const stop of stops.reverse()) await stop().catch((err: unknown) => log(`stopping infrastructure failed: ${String(err)}`));
    },
  };
}

/** One scenario run's own topics, consumer groups and schema, deleted afterwards. */
export interface World {
  prefix: string;
  schema: string;
  kafka: Kafka;
  infra: Infra;
  cleanup(): Promise<void>;
}

export function createWorld(infra: Infra, name: string): World {
  const id = `${name.replace(/[^a-z0-9]+/g, '_')}_${randomBytes(4).toString('hex')}`;
  const prefix = `bench.${id}`;
  const schema = `bench_${id}`;
  const kafka = createKafka({ brokers: infra.kafkaBrokers, clientId: `bench-${id}` });
  return {
    prefix,
    schema,
    kafka,
    infra,
    async cleanup() {
      const admin = kafka.admin();
      await admin.connect();
      try {
        const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(`${prefix}.`));
        if (groups.length > 0) await admin.deleteGroups(groups).catch(() => {});
        const topics = (await admin.listTopics()).filter((t) => t.startsWith(`${prefix}.`));
        if (topics.length > 0) await admin.deleteTopics({ topics });
      } finally {
        await admin.disconnect();
      }
      const pool = createPool({ url: infra.databaseUrl, schema: 'public', max: 1, applicationName: 'hookline-bench' });
      try {
        await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await pool.end();
      }
    },
  };
}

/** PostgreSQL's server version (`SHOW server_version`). */
export async function postgresVersion(databaseUrl: string): Promise<string> {
  const pool = createPool({ url: databaseUrl, schema: 'public', max: 1, applicationName: 'hookline-bench' });
  try {
    const { rows } = await pool.query<{ server_version: string }>('SHOW server_version');
    return rows[0]?.server_version ?? 'unknown';
  } finally {
    await pool.end();
  }
}

/**
 * The Kafka version of a local broker, read from its JVM's classpath (`kafka-4.1.1/libs`, `kafka_2.13-4.1.1`);
 * `unknown` when the broker is not a local JVM this user can inspect (e.g. in a container).
 */
export function kafkaVersion(): string {
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (!cmdline.includes('kafka.Kafka')) continue;
    const match = /kafka[-_](?:\d+\.\d+-)?(\d+\.\d+\.\d+)/.exec(cmdline);
    if (match) return match[1]!;
  }
  return process.env.KAFKA_VERSION ? `${process.env.KAFKA_VERSION} (KAFKA_VERSION)` : 'unknown';
}
