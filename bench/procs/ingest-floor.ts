import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { ACKS_ALL, applyKafkajsFixes, createProducer } from '@hookline/kafka';
import express from 'express';
import { Kafka, logLevel } from 'kafkajs';

/**
 * The least a publish API on Kafka must do, in its own process, for `bench/ingest-floor.ts`: read a JSON body over
 * HTTP, parse it, give it an id, produce one record (Hookline's own producer: idempotent, acks all, the same kafkajs
 * fixes) and answer 202 once the broker acknowledged it. No authentication, validation, rate limits, tracing, logs or
 * metrics. Environment: KAFKA_BROKERS, FLOOR_TOPIC, FLOOR_PORT.
 */
const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is required`);
  return value;
};

applyKafkajsFixes();
const kafka = new Kafka({ clientId: 'hookline-bench-floor', brokers: env('KAFKA_BROKERS').split(','), logLevel: logLevel.WARN });
const producer = createProducer(kafka);
await producer.connect();
const topic = env('FLOOR_TOPIC');

// FLOOR_EXPRESS=true: the same, served by express with its JSON body parser (what express itself costs a publish).
const viaExpress = express();
viaExpress.use(express.json({ limit: 1_048_576 }));
viaExpress.post('/v1/events', async (req, res) => {
  try {
    const input = req.body as { type: string; data: unknown };
    const event = { id: `evt_${randomUUID()}`, type: input.type, createdAt: new Date().toISOString() };
    await producer.send({ topic, acks: ACKS_ALL, messages: [{ key: event.id, value: JSON.stringify({ ...event, data: input.data }) }] });
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
        await producer.send({ topic, acks: ACKS_ALL, messages: [{ key: event.id, value: JSON.stringify({ ...event, data: input.data }) }] });
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
  void producer.disconnect().then(() => process.exit(0));
});
