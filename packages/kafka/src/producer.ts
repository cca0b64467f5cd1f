import { Partitioners, type Kafka, type Producer } from 'kafkajs';

/**
 * The producer every service uses: idempotent (no duplicates from its own retries) with `acks: all` on every
 * send (see {@link ACKS_ALL}), so an acknowledged record survives a broker failure when replicated.
 */
export function createProducer(kafka: Kafka): Producer {
  return kafka.producer({
    idempotent: true,
    maxInFlightRequests: 5,
    // Unbounded retries keep idempotence intact; callers bound how long they wait (e.g. PUBLISH_TIMEOUT_MS).
    retry: { initialRetryTime: 100, maxRetryTime: 5_000, retries: Number.MAX_SAFE_INTEGER },
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
}

/** `acks: -1` (all in-sync replicas) — idempotence requires it, and Hookline's guarantees depend on it. */
export const ACKS_ALL = -1;
