import type { ICustomPartitioner, Kafka, Message, Producer, RecordMetadata, TopicMessages } from 'kafkajs';
import { defaultPartitioner } from './partitioner.ts';

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

/** The offset each message sent through {@link recordOffsets} got. */
const offsets = new WeakMap<Message, string>();

/** The offset the broker gave `message` (sent through a `CoalescingSender` over a {@link createProducer} producer), if known. */
export function producedOffset(message: Message): string | undefined {
  return offsets.get(message);
}

/**
 * Remembers each message's offset from an acknowledged request's answer: within a partition the broker appends a
 * request's records in the order sent, from the partition's base offset. Messages whose partition is unknown (another
 * producer's) are skipped.
 */
export function recordOffsets(topicMessages: readonly TopicMessages[], answer: readonly RecordMetadata[]): void {
  const base = new Map(answer.map((m) => [`${m.topicName}\0${m.partition}`, m.baseOffset === undefined ? undefined : BigInt(m.baseOffset)]));
  const next = new Map<string, bigint>();
  for (const { topic, messages } of topicMessages) {
    for (const message of messages) {
      const partition = placed.get(message);
      if (partition === undefined) continue;
      const key = `${topic}\0${partition}`;
      const first = base.get(key);
      if (first === undefined || first < 0n) continue;
      const offset = next.get(key) ?? first;
      offsets.set(message, String(offset));
      next.set(key, offset + 1n);
    }
  }
}

/** kafkajs' default partitioning, remembering each message's partition ({@link placedPartition}). */
const recordingPartitioner: ICustomPartitioner = () => {
  const choose = defaultPartitioner();
  return (args) => {
    const partition = choose(args);
    placed.set(args.message, partition);
    return partition;
  };
};
