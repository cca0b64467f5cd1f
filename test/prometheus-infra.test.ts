import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ACKS_ALL, createKafka, createProducer } from '@hookline/kafka';
import { createTestWorld, waitFor, type TestWorld } from '@hookline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { which } from '../infra/common/exec.ts';
import { startKafka, stopKafka } from '../infra/kafka/launcher.ts';
import { startPostgresExporter, stopPostgresExporter } from '../infra/postgres-exporter/launcher.ts';
import { exporterTargets } from '../infra/prometheus/config.ts';
import { freePort } from './support/service-processes.ts';
import { prometheusUnavailable, startTestPrometheus, type PromApi } from './support/test-prometheus.ts';

/**
 * The broker's and PostgreSQL's own figures through a real Prometheus: a broker of this file's own (own home and
 * ports, never the shared one) with the JMX exporter agent, as `npm start -- --observability` starts it, and
 * Debian's PostgreSQL exporter on the shared database. Records produced and rows inserted show up as counted.
 */
const KAFKA_PORT = 19_392; // and 19_393 for its controller
const RECORDS = 500;
const ROWS = 250;
const TOPIC = 'prometheus-infra.probe';

function exporterUnavailable(): string | undefined {
  if (which('prometheus-postgres-exporter') || which('postgres_exporter')) return undefined;
  const reason = 'the PostgreSQL exporter is not on PATH (Debian: apt-get install prometheus-postgres-exporter; .ci/run installs it)';
  console.warn(`skipping: ${reason}`);
  return reason;
}

describe.skipIf(prometheusUnavailable() ?? exporterUnavailable())('the broker and PostgreSQL through Prometheus', () => {
  let world: TestWorld;
  let home: string;
  let brokers: string;
  let prometheus: Awaited<ReturnType<typeof startTestPrometheus>> | undefined;
  let prom: PromApi;
  let metricsPort: number;

  beforeAll(async () => {
    world = createTestWorld('prometheus-infra');
    home = await mkdtemp(join(tmpdir(), 'hookline-prometheus-infra-'));
    metricsPort = await freePort();
    const exporterPort = await freePort();
    const [kafka] = await Promise.all([
      startKafka({ home, port: KAFKA_PORT, metricsPort }),
      startPostgresExporter({ home, port: exporterPort, databaseUrl: world.databaseUrl }),
    ]);
    brokers = kafka.brokers;
    prometheus = await startTestPrometheus(exporterTargets({ kafka: metricsPort, postgres: exporterPort }));
    prom = prometheus.api;
  }, 180_000);
  afterAll(async () => {
    await prometheus?.stop();
    await stopPostgresExporter({ home }).catch(() => undefined);
    await stopKafka({ home, clean: true }).catch(() => undefined);
    if (home) await rm(home, { recursive: true, force: true });
    await world?.cleanup();
  });

  it('serves the broker\'s figures: the records produced, their bytes and log, the requests, no under-replicated partition', async () => {
    const kafka = createKafka({ brokers, clientId: 'prometheus-infra' });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 3, replicationFactor: 1 }], waitForLeaders: true });
    await admin.disconnect();
    const before = await prom.total('sum(kafka_server_messages_in_total)');
    const producer = createProducer(kafka);
    await producer.connect();
    try {
      for (let i = 0; i < RECORDS; i += 100) {
        await producer.send({ topic: TOPIC, acks: ACKS_ALL, messages: Array.from({ length: 100 }, (_, j) => ({ key: `k${i + j}`, value: `record ${i + j}` })) });
      }
    } finally {
      await producer.disconnect();
    }
    const probe = `{topic="${TOPIC}"}`;
    // The broker counts a record when it is appended but a request only once its answer went out, so one scrape can
    // hold every record and not yet the last Produce request: wait for both.
    await waitFor(async () => (await prom.total(`sum(kafka_topic_messages_in_total${probe})`)) === RECORDS
      && (await prom.total('sum(kafka_network_requests_total{request="Produce"})')) >= RECORDS / 100, {
      timeoutMs: 30_000,
      intervalMs: 500,
      description: `Prometheus counting the ${RECORDS} records produced and their Produce requests`,
    });
    expect(await prom.total(`sum(kafka_topic_messages_in_total${probe})`)).toBe(RECORDS);
    expect(await prom.total('sum(kafka_server_messages_in_total)')).toBeGreaterThanOrEqual(before + RECORDS);
    expect(await prom.total(`sum(kafka_topic_bytes_in_total${probe})`)).toBeGreaterThan(RECORDS * 8);
    expect((await prom.query(`kafka_log_size_bytes${probe}`)).map((s) => s.metric.partition).sort()).toEqual(['0', '1', '2']);
    expect(await prom.total(`sum(kafka_log_size_bytes${probe})`)).toBeGreaterThan(RECORDS * 8);
    expect(await prom.total('sum(kafka_network_requests_total{request="Produce"})')).toBeGreaterThanOrEqual(RECORDS / 100);
    expect(await prom.query('kafka_server_under_replicated_partitions')).toEqual([expect.objectContaining({ value: 0 })]);
    expect(await prom.total('up{job="kafka"}')).toBe(1);
  });

  it.skipIf(!which('promtool'))('names the broker\'s figures as Prometheus wants them (promtool check metrics)', async () => {
    const exposition = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    expect(exposition).toMatch(/^kafka_server_messages_in_total /m);
    expect(execFileSync('promtool', ['check', 'metrics'], { input: exposition, encoding: 'utf8' })).toBe('');
  });

  it('serves PostgreSQL\'s figures: up, the database\'s size, a table\'s inserted and live rows', async () => {
    const database = new URL(world.databaseUrl).pathname.slice(1);
    expect(await prom.total('pg_up')).toBe(1);
    expect(await prom.total(`pg_database_size_bytes{datname="${database}"}`)).toBeGreaterThan(0);

    await world.pool.query(`CREATE SCHEMA IF NOT EXISTS ${world.schema}`);
    await world.pool.query(`CREATE TABLE ${world.schema}.probe (id int PRIMARY KEY, note text)`);
    await world.pool.query(`INSERT INTO ${world.schema}.probe SELECT g, 'row ' || g FROM generate_series(1, ${ROWS}) g`);
    await world.pool.query(`DELETE FROM ${world.schema}.probe WHERE id <= 50`);
    // An idle backend reports its table counts to the statistics within about 10 s.
    const table = `{schemaname="${world.schema}",relname="probe"}`;
    await waitFor(async () => (await prom.total(`pg_stat_user_tables_n_tup_ins${table}`)) === ROWS, {
      timeoutMs: 30_000,
      intervalMs: 500,
      description: `Prometheus seeing the ${ROWS} rows inserted`,
    });
    expect(await prom.total(`pg_stat_user_tables_n_tup_del${table}`)).toBe(50);
    expect(await prom.total(`pg_stat_user_tables_n_live_tup${table}`)).toBe(ROWS - 50);
    expect(await prom.total(`pg_stat_database_tup_inserted{datname="${database}"}`)).toBeGreaterThanOrEqual(ROWS);
    expect(await prom.total('up{job="postgres"}')).toBe(1);
  });
});
