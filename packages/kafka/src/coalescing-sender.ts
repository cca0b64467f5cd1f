import type { Message, Producer, TopicMessages } from 'kafkajs';
import { ACKS_ALL } from './producer.ts';

interface Waiting {
  topicMessages: TopicMessages[];
  count: number;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Coalesces concurrent sends into few produce requests. kafkajs sends each `send()` as its own request, so many
 * concurrent callers queue behind the connection's in-flight limit, one small request each; here, while
 * `maxInFlight` requests are outstanding, new records wait and leave together in the next request (up to
 * `maxBatch` records, any topics). Each caller resolves when its own records were acknowledged (acks=all) and
 * rejects with the error of the request that carried them — so callers still commit only what Kafka has.
 */
export class CoalescingSender {
  readonly #producer: Producer;
  readonly #maxInFlight: number;
  readonly #maxBatch: number;
  readonly #queue: Waiting[] = [];
  #inFlight = 0;

  constructor(producer: Producer, opts: { maxInFlight?: number; maxBatch?: number } = {}) {
    this.#producer = producer;
    this.#maxInFlight = opts.maxInFlight ?? 4;
    this.#maxBatch = opts.maxBatch ?? 2_000;
  }

  /** Sends `messages` to `topic` together with whatever else is waiting. */
  send(topic: string, messages: Message[]): Promise<void> {
    return this.sendBatch([{ topic, messages }]);
  }

  /** Sends records to several topics in one go (they share the request with whatever else is waiting). */
  sendBatch(topicMessages: TopicMessages[]): Promise<void> {
    const count = topicMessages.reduce((n, t) => n + t.messages.length, 0);
    if (count === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.#queue.push({ topicMessages, count, resolve, reject });
      this.#pump();
    });
  }

  #pump(): void {
    while (this.#inFlight < this.#maxInFlight && this.#queue.length > 0) {
      const batch: Waiting[] = [];
      let count = 0;
      while (this.#queue.length > 0 && (batch.length === 0 || count + this.#queue[0]!.count <= this.#maxBatch)) {
        const next = this.#queue.shift()!;
        batch.push(next);
        count += next.count;
      }
      const byTopic = new Map<string, Message[]>();
      for (const w of batch) {
        for (const t of w.topicMessages) {
          const list = byTopic.get(t.topic);
          if (list) list.push(...t.messages);
          else byTopic.set(t.topic, [...t.messages]);
        }
      }
      this.#inFlight++;
      this.#producer
        .sendBatch({ acks: ACKS_ALL, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) })
        .then(
          () => batch.forEach((w) => w.resolve()),
          (err: unknown) => batch.forEach((w) => w.reject(err)),
        )
        .finally(() => {
          this.#inFlight--;
          this.#pump();
        });
    }
  }
}
