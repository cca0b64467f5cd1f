import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { loadConfig } from '@hookline/config';
import { ensureTopics } from '@hookline/kafka';
import { createLogger } from '@hookline/telemetry';
import { createTestWorld, waitFor, type TestWorld } from '@hookline/testing';
import type { Producer } from 'kafkajs';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type TrackerApp } from '../services/tracker/src/app.ts';
import { trackerConfigShape } from '../services/tracker/src/config.ts';
import { attempt, produceAttempts, waitForCount, waitForGroupCaughtUp, worldProducer } from './tracker-fixtures.ts';
import { TcpProxy } from './tracker-tcp-proxy.ts';

const log = createLogger({ service: 'test', level: 'silent' });
const readyStatus = (port: number) => request(`http://127.0.0.1:${port}/readyz`).then(async (r) => (await r.body.dump(), r.statusCode), () => 0);

/** The exit code of a child, whether it already exited or not. */
const exited = async (child: ChildProcess): Promise<number | null> =>
  child.exitCode !== null || child.signalCode !== null ? child.exitCode : ((await once(child, 'exit')) as [number | null])[0];

/** `n` attempts over `deliveries` deliveries (several attempts each), with distinct start times. */
function stream(prefix: string, n: number, deliveries: number) {
  const base = Date.now() - n;
  return Array.from({ length: n }, (_, i) =>
    attempt({ deliveryId: `${prefix}_dlv_${i % deliveries}`, endpointId: `${prefix}_ep_${i % 7}`, attempt: Math.floor(i / deliveries) + 1, startedAt: new Date(base + i).toISOString(), durationMs: i % 300 }),
  );
}

async function sums(world: TestWorld, prefix: string) {
  const { rows } = await world.pool.query(
    `SELECT (SELECT count(*) FROM attempts WHERE delivery_id LIKE $1)::int AS attempts,
            (SELECT count(DISTINCT id) FROM attempts WHERE delivery_id LIKE $1)::int AS distinct_attempts,
            (SELECT coalesce(sum(attempts), 0) FROM deliveries WHERE id LIKE $1)::int AS counted,
            (SELECT coalesce(sum(attempts), 0) FROM endpoint_health_minutes WHERE endpoint_id LIKE $2)::int AS rolled_up`,
    [`${prefix}_dlv_%`, `${prefix}_ep_%`],
  );
  return rows[0];
}

describe('tracker: faults', () => {
  let world: TestWorld;
  let producer: Producer;

  beforeAll(async () => {
    world = createTestWorld('tracker-faults');
    producer = await worldProducer(world);
    await ensureTopics(world.kafka, [world.topics.events, world.topics.deliveries, world.topics.attempts, world.topics.invalid].map((topic) => ({ topic })), {
      numPartitions: 3,
      replicationFactor: 1,
    });
  });
  afterAll(async () => {
    await producer?.disconnect();
    await world?.cleanup();
  });

  it('SIGKILL mid-stream, restart: every attempt recorded exactly once', async () => {
    const n = 30_000;
    await produceAttempts(producer, world, stream('crash', n, 3_000));
    const spawnTracker = () => {
      const child: ChildProcess = spawn(process.execPath, ['services/tracker/src/main.ts'], {
        env: { ...process.env, ...world.env, TRACKER_BATCH_ROWS: '500' },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr!.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4_000)));
      return { child, stderr: () => stderr };
    };
    const first = spawnTracker();
    try {
      await waitForCount(world, "SELECT least(count(*), 1) AS n FROM attempts WHERE delivery_id LIKE 'crash_dlv_%'", 1, [], 90_000);
    } finally {
      first.child.kill('SIGKILL');
    }
    await exited(first.child);
    const atKill = await sums(world, 'crash');
    expect(atKill.attempts, 'killed before the stream was fully written').toBeLessThan(n);

    const second = spawnTracker();
    try {
      await waitForCount(world, "SELECT count(*) AS n FROM attempts WHERE delivery_id LIKE 'crash_dlv_%'", n, [], 120_000).catch((err: Error) => {
        throw new Error(`${err.message}\ntracker stderr: ${second.stderr()}`, { cause: err });
      });
      await waitForGroupCaughtUp(world, [world.topics.attempts], 60_000);
      expect(await sums(world, 'crash')).toEqual({ attempts: n, distinct_attempts: n, counted: n, rolled_up: n });
    } finally {
      second.child.kill('SIGTERM');
      expect(await exited(second.child), second.stderr()).toBe(0);
    }
  }, 300_000);

  it('PostgreSQL unreachable: not ready, offsets held, retries with backoff, catches up when it returns', async () => {
    const target = new URL(world.databaseUrl);
    const proxy = await TcpProxy.start({ host: target.hostname, port: Number(target.port || 5432) });
    const viaProxy = new URL(world.databaseUrl);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    let tracker: TrackerApp | undefined;
    try {
      tracker = await createApp(loadConfig(trackerConfigShape, { ...world.env, DATABASE_URL: viaProxy.toString() }), log);
      const port = tracker.port;
      await produceAttempts(producer, world, stream('outage1', 500, 50));
      await waitForCount(world, "SELECT count(*) AS n FROM attempts WHERE delivery_id LIKE 'outage1_dlv_%'", 500);
      await waitFor(async () => (await readyStatus(port)) === 200, { description: 'ready before the outage' });

      proxy.cut();
      await produceAttempts(producer, world, stream('outage2', 2_000, 100));
      await waitFor(async () => (await readyStatus(port)) === 503, { description: 'not ready during the outage' });
      // Nothing of the second stream is committed while the database is away.
      const admin = world.kafka.admin();
      await admin.connect();
      try {
        const high = (await admin.fetchTopicOffsets(world.topics.attempts)).reduce((s, p) => s + Number(p.high), 0);
        const [committed] = await admin.fetchOffsets({ groupId: world.groups.tracker, topics: [world.topics.attempts] });
        const total = committed!.partitions.reduce((s, p) => s + Math.max(0, Number(p.offset)), 0);
        expect(total).toBeLessThan(high);
      } finally {
        await admin.disconnect();
      }
      expect((await sums(world, 'outage2')).attempts).toBe(0);

      proxy.restore();
      await waitForCount(world, "SELECT count(*) AS n FROM attempts WHERE delivery_id LIKE 'outage2_dlv_%'", 2_000, [], 90_000);
      await waitFor(async () => (await readyStatus(port)) === 200, { timeoutMs: 60_000, description: 'ready again' });
      await waitForGroupCaughtUp(world, [world.topics.attempts]);
      expect(await sums(world, 'outage2')).toEqual({ attempts: 2_000, distinct_attempts: 2_000, counted: 2_000, rolled_up: 2_000 });
    } finally {
      proxy.restore();
      await tracker?.stop();
      await proxy.close();
    }
  }, 240_000);
});
