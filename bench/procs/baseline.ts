import { applyKafkajsFixes } from '@hookline/kafka';
import { Kafka, logLevel } from 'kafkajs';
import { Agent, request } from 'undici';

/**
 * The bare-minimum pipeline Hookline is measured against, in its own process: a kafkajs consumer reading the events
 * topic and POSTing each event's record value, as it is, with undici to the endpoint its type maps to. No signing,
 * no breaker, no tracking, no attempt records; only what any Kafka → HTTP relay must do. It uses `eachBatch` with up
 * to `BASELINE_CONCURRENCY` requests in flight per partition (a competent minimal relay, not a strawman) and
 * commits a batch's offsets once its requests have answered.
 *
 * Environment: KAFKA_BROKERS, BASELINE_TOPIC, BASELINE_GROUP, BASELINE_TARGETS (JSON: event type → URL),
 * BASELINE_CONCURRENCY (default 64), BASELINE_TIMEOUT_MS (default 5000).
 */
const env = (name: string, fallback?: string): string => {
  const value = process.env[name] ?? fallback;
  if (value === undefined) throw new Error(`${name} is required`);
  return value;
};

const targets = new Map(Object.entries(JSON.parse(env('BASELINE_TARGETS')) as Record<string, string>));
const concurrency = Number(env('BASELINE_CONCURRENCY', '64'));
const timeoutMs = Number(env('BASELINE_TIMEOUT_MS', '5000'));
const agent = new Agent({ keepAliveTimeout: 30_000, connections: 64, pipelining: 1 });
// The same kafkajs bug fix as Hookline's (an idle connection's 1 ms timer loop), so the comparison is of the pipelines.
applyKafkajsFixes();
const kafka = new Kafka({ clientId: 'hookline-bench-baseline', brokers: env('KAFKA_BROKERS').split(','), logLevel: logLevel.WARN });
const consumer = kafka.consumer({ groupId: env('BASELINE_GROUP') });
const partitions = Number(env('BASELINE_PARTITIONS', '6'));

async function post(value: Buffer): Promise<void> {
  const event = JSON.parse(value.toString('utf8')) as { id?: string; type: string };
  const url = targets.get(event.type);
  if (!url) return;
  try {
    const res = await request(url, {
      method: 'POST',
      body: value,
      headers: { 'content-type': 'application/json', 'webhook-id': event.id ?? '' },
      dispatcher: agent,
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.body.dump();
  } catch {
    // A bare relay drops failures: there is nothing to retry into.
  }
}

await consumer.connect();
await consumer.subscribe({ topic: env('BASELINE_TOPIC'), fromBeginning: true });
await consumer.run({
  partitionsConsumedConcurrently: partitions,
  eachBatchAutoResolve: false,
  eachBatch: async ({ batch, resolveOffset, commitOffsetsIfNecessary, heartbeat, isRunning, isStale }) => {
    const messages = batch.messages;
    let next = 0;
    await Promise.all(Array.from({ length: Math.min(concurrency, messages.length) }, async () => {
      while (next < messages.length && isRunning() && !isStale()) {
        const message = messages[next++]!;
        if (message.value) await post(message.value);
      }
    }));
    if (!isRunning() || isStale()) return;
    resolveOffset(batch.lastOffset());
    await commitOffsetsIfNecessary();
    await heartbeat();
  },
});
console.log('baseline consumer running');

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    void Promise.allSettled([consumer.disconnect(), agent.close()]).then(() => process.exit(0));
    setTimeout(() => process.exit(0), 5_000).unref();
  });
}
