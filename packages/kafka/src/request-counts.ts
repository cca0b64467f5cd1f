import type { Kafka } from 'kafkajs';
import { Counter, type Registry } from 'prom-client';

type Role = 'producer' | 'consumer' | 'admin';

/** Requests sent so far by one client's producers, consumers and admins, keyed `role\u0000api`. */
const tallies = new WeakMap<Kafka, Map<string, number>>();

/**
 * Makes every producer, consumer and admin that `kafka` creates from now on count the requests it sends, by
 * role and Kafka API (kafkajs' `*.network.request` instrumentation event, emitted once per answered request).
 * The counts are what `hookline_kafka_requests_total` reports: the Kafka round trips an event costs.
 */
export function countRequests(kafka: Kafka): Kafka {
  if (tallies.has(kafka)) return kafka;
  const tally = new Map<string, number>();
  tallies.set(kafka, tally);
  const count = (role: Role) => (event: { payload: { apiName: string } }) => tallyRequest(kafka, role, event.payload.apiName);
  const producer = kafka.producer.bind(kafka);
  const consumer = kafka.consumer.bind(kafka);
  const admin = kafka.admin.bind(kafka);
  kafka.producer = (config) => {
    const p = producer(config);
    p.on(p.events.REQUEST, count('producer'));
    return p;
  };
  kafka.consumer = (config) => {
    const c = consumer(config);
    c.on(c.events.REQUEST, count('consumer'));
    return c;
  };
  kafka.admin = (config) => {
    const a = admin(config);
    a.on(a.events.REQUEST, count('admin'));
    return a;
  };
  return kafka;
}

/** Counts one answered request of `kafka`'s (for a kafkajs client part that is not a producer, consumer or admin). */
export function tallyRequest(kafka: Kafka, role: Role, api: string): void {
  const tally = tallies.get(kafka);
  if (!tally) return;
  const key = `${role}\u0000${api}`;
  tally.set(key, (tally.get(key) ?? 0) + 1);
}

/** The counts so far, `[role, api, requests]`, for a client made by {@link countRequests}. */
export function requestCounts(kafka: Kafka): Array<[role: string, api: string, requests: number]> {
  return [...(tallies.get(kafka) ?? [])].map(([key, n]) => {
    const [role, api] = key.split('\u0000') as [string, string];
    return [role, api, n];
  });
}

/** `hookline_kafka_requests_total{role, api}`: the requests this service's Kafka clients have sent. */
export function registerKafkaRequestMetrics(registry: Registry, kafka: Kafka): void {
  new Counter({
    name: 'hookline_kafka_requests_total',
    help: 'Requests sent to the Kafka brokers by this service, by client role (producer, consumer, admin) and Kafka API',
    labelNames: ['role', 'api'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [role, api, n] of requestCounts(kafka)) this.inc({ role, api }, n);
    },
  });
}
