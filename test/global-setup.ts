import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { dockerAnswers, startKafkaContainer, startPostgresContainer } from '@hookline/testing';
import { startKafka, stopKafka } from '../infra/kafka/launcher.ts';
import { startPostgres, stopPostgres } from '../infra/postgres/launcher.ts';
import { startSchemaRegistry, stopSchemaRegistry } from '../infra/schema-registry/launcher.ts';
import { ensureWebBuilt } from '../infra/web/ensure-built.ts';

const has = (cmd: string) => {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
const hasPostgresBinaries = () =>
  has('initdb') || (existsSync('/usr/lib/postgresql') && readdirSync('/usr/lib/postgresql').some((v) => existsSync(`/usr/lib/postgresql/${v}/bin/initdb`)));

const log = (msg: string) => console.log(`[test infra] ${msg}`);

/**
 * Finds the broker and database for the whole run: `KAFKA_BROKERS`/`DATABASE_URL` when set; otherwise the
 * local launchers (real Kafka from Maven Central, Debian's PostgreSQL); otherwise testcontainers when a Docker
 * engine answers. Fails fast, naming what to install, when none of these is possible. Stops only what it started.
 * The launchers reuse our own running broker, cluster and registry (a developer's `npm start`), but never share one
 * this checkout did not start: when a default port is taken by something else (another checkout's run, say), or (broker
 * and database) taken while ours starts, they start on free ports instead.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const stops: Array<() => Promise<void>> = [];
  // The portal and console pages ingest serves (browser tests drive them), built while the infrastructure starts.
  const webBuilt = ensureWebBuilt({ log });
  webBuilt.catch(() => {});

  let kafkaBrokers = process.env.KAFKA_BROKERS;
  if (!kafkaBrokers) {
    if (has('java') && has('mvn')) {
      const started = await startKafka({ log, portFallback: true });
      kafkaBrokers = started.brokers;
      if (!started.reused) stops.push(() => stopKafka());
    } else if (await dockerAnswers()) {
      const c = await startKafkaContainer();
      kafkaBrokers = c.brokers;
      stops.push(c.stop);
    } else {
      throw new Error('No Kafka broker: set KAFKA_BROKERS, or install a JDK 17+ and Maven (apt-get install openjdk-17-jdk-headless maven), or run Docker.');
    }
  }

  let databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    if (hasPostgresBinaries()) {
      const started = await startPostgres({ log, portFallback: true });
      databaseUrl = started.databaseUrl;
      if (!started.reused) stops.push(() => stopPostgres());
    } else if (await dockerAnswers()) {
      const c = await startPostgresContainer();
      databaseUrl = c.databaseUrl;
      stops.push(c.stop);
    } else {
      throw new Error('No PostgreSQL: set DATABASE_URL, or install PostgreSQL (apt-get install postgresql), or run Docker.');
    }
  }

  // The Schema Registry is optional for Hookline (schemas also live in PostgreSQL): tests of the registry
  // integration run when one is configured or the local launcher can start Apicurio (it needs Java 21+).
  let schemaRegistryUrl = process.env.SCHEMA_REGISTRY_URL ?? '';
  if (!schemaRegistryUrl && process.env.HOOKLINE_SKIP_SCHEMA_REGISTRY !== 'true') {
    try {
      const started = await startSchemaRegistry({ log, portFallback: true });
      schemaRegistryUrl = started.url;
      if (!started.reused) stops.push(() => stopSchemaRegistry());
    } catch (err) {
      log(`no Schema Registry (registry tests will be skipped): ${(err as Error).message.split('\n')[0]}`);
    }
  }

  await webBuilt;
  log(`kafka ${kafkaBrokers}, postgres ${databaseUrl.replace(/:[^:@/]*@/, ':***@')}, schema registry ${schemaRegistryUrl || 'none'}`);
  project.provide('kafkaBrokers', kafkaBrokers);
  project.provide('databaseUrl', databaseUrl);
  project.provide('schemaRegistryUrl', schemaRegistryUrl);

  return async () => {
    if (process.env.HOOKLINE_KEEP_INFRA === 'true') return;
    for (const stop of stops.reverse()) await stop().catch((err: unknown) => log(`stop failed: ${String(err)}`));
  };
}
