import { Partitioners, type ICustomPartitioner, type Kafka, type Message, type Producer } from 'kafkajs';

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
    createPartitioner: recordingPartitioner,
  });
}

/** `acks: -1` (all in-sync replicas) — idempotence requires it, and Hookline's guarantees depend on it. */
export const ACKS_ALL = -1;

/** The partition each message sent by a {@link createProducer} producer went to (kept with the message object). */
const placed = new WeakMap<Message, number>();

/**
 * The partition a producer of {@link createProducer} put `message` in (the message object given to `send`), or
 * undefined before it was sent or for another producer's message. Kafka's own partitioner chooses (murmur2 of the
 * key, as the Java client does); this only remembers its choice.
 */
export function placedPartition(message: Message): number | undefined {
  return placed.get(message);
}

const recordingPartitioner: ICustomPartitioner = () => {
  const choose = Partitioners.DefaultPartitioner();
  return (args) => {
    const partition = choose(args);
    placed.set(args.message, partition);
    return partition;
  };
};
