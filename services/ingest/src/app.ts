import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { topicNames } from '@hookline/contracts';
import { EndpointsRepository, openDatabase, pingDatabase, SecretBox, TenantsRepository } from '@hookline/db';
import { openKafka } from '@hookline/kafka';
import type { Logger } from '@hookline/telemetry';
import type { IngestConfig } from './config.ts';
import { buildHttpApp } from './http/server.ts';
import { EventPublisher } from './kafka/event-publisher.ts';

/** A running ingest service. */
export interface IngestApp {
  /** The bound HTTP port (useful when HTTP_PORT=0). */
  port: number;
  url: string;
  stop(): Promise<void>;
}

/**
 * Wires the ingest service: migrates the database, ensures the topics, connects the idempotent producer and
 * serves the HTTP API. `stop()` closes the listener (finishing in-flight requests) and disconnects.
 */
export async function createApp(config: IngestConfig, log: Logger): Promise<IngestApp> {
  const topics = topicNames(config.TOPIC_PREFIX);
  const pool = await openDatabase(config, 'hookline-ingest', (m) => log.info(m));
  const k = await openKafka(config, 'hookline-ingest', [topics.events, topics.invalid], log);

  const app = buildHttpApp({
    log,
    tenants: new TenantsRepository(pool),
    endpoints: new EndpointsRepository(pool, new SecretBox(config.ENCRYPTION_KEY)),
    publisher: new EventPublisher(k.producer, topics.events, config.PUBLISH_TIMEOUT_MS),
    ready: async () => ({ postgres: await pingDatabase(pool), kafka: await k.ping() }),
    adminToken: config.ADMIN_TOKEN,
    maxPayloadBytes: config.MAX_PAYLOAD_BYTES,
    allowHttpTargets: config.ALLOW_HTTP_TARGETS,
  });

  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(config.HTTP_PORT, config.HTTP_HOST, (err?: Error) => (err ? reject(err) : resolve(s)));
  });
  server.keepAliveTimeout = 65_000;
  const port = (server.address() as AddressInfo).port;
  log.info({ port, host: config.HTTP_HOST }, 'ingest listening');

  return {
    port,
    url: `http://${config.HTTP_HOST}:${port}`,
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await k.disconnect();
      await pool.end();
    },
  };
}
