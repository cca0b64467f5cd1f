import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { applyKafkajsFixes, CoalescingSender, createProducer } from '@hookline/kafka';
import express from 'express';
import { Kafka, logLevel } from 'kafkajs';

/**
 * The least a publish API on Kafka must do, in its own process, for `bench/ingest-floor.ts`: read a JSON body over
 * HTTP, parse it, give it an id, produce one record and answer 202 once the broker acknowledged it. It produces as
 * ingest does — Hookline's producers (idempotent, acks all, the same kafkajs fixes), three of them behind a
 * `CoalescingSender`, without which concurrent publishes queue one request each behind an idempotent producer's single
 * request in flight. No authentication, validation, rate limits, tracing, logs or metrics.
 * Environment: KAFKA_BROKERS, FLOOR_TOPIC, FLOOR_PORT, FLOOR_EXPRESS (see below).
 */
const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is required`);
  return value;
};

applyKafkajsFixes();
const kafka = new Kafka({ clientId: 'hookline-bench-floor', brokers: env('KAFKA_BROKERS').split(','), logLevel: logLevel.WARN });
const producers = [createProducer(kafka), createProducer(kafka), createProducer(kafka)];
await Promise.all(producers.map((p) => p.connect()));
const sender = new CoalescingSender(producers);
const topic = env('FLOOR_TOPIC');

// FLOOR_EXPRESS=true: the same, served by express with its JSON body parser (what express itself costs a publish).
const viaExpress = express();
viaExpress.use(express.json({ limit: 1_048_576 }));
viaExpress.post('/v1/events', async (req, res) => {
  try {
    const input = req.body as { type: string; data: unknown };
    const event = { id: `evt_${randomUUID()}`, type: input.type, createdAt: new Date().toISOString() };
    await sender.send(topic, [{ key: event.id, value: JSON.stringify({ ...event, data: input.data }) }]);
    res.status(202).json(event);
  } catch (err) {
    res.status(500).send((err as Error).message);
  }
});

const server = process.env.FLOOR_EXPRESS === 'true' ? http.createServer(viaExpress) : http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    void (async () => {
      try {
        const input = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { type: string; data: unknown };
        const event = { id: `evt_${randomUUID()}`, type: input.type, createdAt: new Date().toISOString() };
        await sender.send(topic, [{ key: event.id, value: JSON.stringify({ ...event, data: input.data }) }]);
        const body = JSON.stringify(event);
        res.writeHead(202, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
      } catch (err) {
        res.writeHead(500).end((err as Error).message);
      }
    })();
  });
});
server.keepAliveTimeout = 30_000;
server.listen(Number(env('FLOOR_PORT')), '127.0.0.1', () => console.log(`listening on ${env('FLOOR_PORT')}`));
process.on('SIGTERM', () => {
  server.close();
  void Promise.allSettled(producers.map((p) => p.disconnect())).then(() => process.exit(0));
});
