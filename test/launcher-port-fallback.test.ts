import { chmodSync, existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Kafka, logLevel } from 'kafkajs';
import { infra } from '@hookline/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, freePortRun } from '../infra/common/net.ts';
import { startKafka, stopKafka } from '../infra/kafka/launcher.ts';
import { startPostgres, stopPostgres } from '../infra/postgres/launcher.ts';
import { startSchemaRegistry, stopSchemaRegistry } from '../infra/schema-registry/launcher.ts';
import { registryAnswers } from '../infra/schema-registry/probe.ts';

// The test run's own broker and cluster must not fail, nor share a server, when another checkout's run (or anything
// else) holds the default ports: with `portFallback` the launchers start on free ports instead, also when the port is
// taken between their check and the server's bind.

const root = join(import.meta.dirname, '..');
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

function scratchHome(): string {
  const home = mkdtempSync(join(tmpdir(), 'hookline-ports-'));
  chmodSync(home, 0o755); // PostgreSQL runs as its own OS user, which must reach its data directory here.
  if (existsSync(join(root, '.hookline', 'cache'))) symlinkSync(join(root, '.hookline', 'cache'), join(home, 'cache'));
  cleanups.push(async () => rmSync(home, { recursive: true, force: true }));
  return home;
}

/** A listener that is not a database or a broker, holding `port` until the test ends. */
function hold(port: number): Server {
  const server = createServer((socket) => socket.destroy());
  server.on('error', () => undefined); // Already taken by someone else (another suite): taken all the same.
  // Bound on the next tick (before any awaited step of the launcher), long before a server process it spawns binds.
  server.listen(port, '127.0.0.1');
  cleanups.push(() => new Promise((resolve) => server.close(() => resolve(undefined))));
  return server;
}

const portOf = (url: string) => Number(new URL(url).port);

async function selectOne(databaseUrl: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<{ one: number }>('SELECT 1 AS one')).rows[0]!.one;
  } finally {
    await client.end();
  }
}

describe('PostgreSQL launcher, port taken by something else', () => {
  it('without a fallback refuses a port held by something that is not PostgreSQL', async () => {
    const home = scratchHome();
    const port = await freePort();
    hold(port);
    await expect(startPostgres({ home, port })).rejects.toThrow(`port ${port} is in use by something that is not a usable PostgreSQL`);
  });

  it('with a fallback starts on a free port when the port is held before it starts', async () => {
    const home = scratchHome();
    const port = await freePort();
    hold(port);
    const lines: string[] = [];
    const started = await startPostgres({ home, port, portFallback: true, log: (l) => lines.push(l) });
    cleanups.push(() => stopPostgres({ home, clean: true }));
    expect(started.reused).toBe(false);
    expect(portOf(started.databaseUrl)).not.toBe(port);
    expect(await selectOne(started.databaseUrl)).toBe(1);
    expect(lines.join('\n')).toContain(`port ${port} is taken`);
    // Our own running cluster is reused on the port it runs on.
    const again = await startPostgres({ home, port, portFallback: true });
    expect(again).toEqual({ databaseUrl: started.databaseUrl, reused: true });
  });

  it('with a fallback starts on a free port when the port is taken while the server starts', async () => {
    const home = scratchHome();
    const port = await freePort();
    const lines: string[] = [];
    const started = await startPostgres({ home, port, portFallback: true, log: (l) => lines.push(l), onSpawn: () => hold(port) });
    cleanups.push(() => stopPostgres({ home, clean: true }));
    expect(portOf(started.databaseUrl)).not.toBe(port);
    expect(await selectOne(started.databaseUrl)).toBe(1);
    expect(lines.join('\n')).toContain(`port ${port} was taken while PostgreSQL started`);
  });
});

describe('Kafka launcher, port taken by something else', () => {
  async function topics(brokers: string): Promise<string[]> {
    const admin = new Kafka({ clientId: 'port-fallback-test', brokers: [brokers], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic: 'port-fallback' }], waitForLeaders: true });
      return await admin.listTopics();
    } finally {
      await admin.disconnect();
    }
  }

  it('with a fallback starts on free ports when the controller port is held, and again when a port is taken while the broker starts', async () => {
    const home = scratchHome();
    const port = await freePortRun(2);
    hold(port + 1);
    const lines: string[] = [];
    const started = await startKafka({ home, port, portFallback: true, log: (l) => lines.push(l) });
    cleanups.push(() => stopKafka({ home, clean: true }));
    expect(started.brokers).not.toBe(`127.0.0.1:${port}`);
    expect(await topics(started.brokers)).toContain('port-fallback');
    expect(lines.join('\n')).toContain(`port ${port} or ${port + 1} is taken`);
    await stopKafka({ home });

    // The broker's client port is taken after the check, while the JVM boots: the launcher retries on two others.
    const next = await freePortRun(2);
    const raced = await startKafka({ home, port: next, portFallback: true, log: (l) => lines.push(l), onSpawn: () => hold(next) });
    expect(raced.brokers).not.toBe(`127.0.0.1:${next}`);
    expect(await topics(raced.brokers)).toContain('port-fallback');
    expect(lines.join('\n')).toContain(`port ${next} or ${next + 1} was taken while Kafka started`);
  }, 180_000);
});

// Apicurio needs Java 21+ and its app in the cache: where the run has no registry, this case has none either.
describe.skipIf(!infra().schemaRegistryUrl)('Schema Registry launcher, port taken by something else', () => {
  it('with a fallback starts on a free port when the port is held before it starts', async () => {
    const home = scratchHome();
    const port = await freePort();
    hold(port);
    const lines: string[] = [];
    const started = await startSchemaRegistry({ home, port, portFallback: true, log: (l) => lines.push(l) });
    cleanups.push(() => stopSchemaRegistry({ home }));
    expect(started.reused).toBe(false);
    expect(portOf(started.url)).not.toBe(port);
    expect(await registryAnswers(started.url)).toBe(true);
    expect(lines.join('\n')).toContain(`port ${port} is taken`);
  }, 120_000);
});
