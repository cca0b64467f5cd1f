import type { Message, Producer, TopicMessages } from 'kafkajs';
import { ACKS_ALL, recordOffsets } from './producer.ts';
import { MAX_SEND_BYTES } from './fetch-sizes.ts';

interface Waiting {
  topicMessages: TopicMessages[];
  count: number;
  bytes: number;
  /** When the records must leave even if nothing else joins them (0: at once). */
  dueAt: number;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Coalesces concurrent sends into few produce requests, over one or more producers ("lanes"). An idempotent
 * kafkajs producer has one produce request in flight per broker at a time (a lock held across the acks=all round
 * trip), so many concurrent callers would queue behind it one small request each; here, while every lane is busy,
 * new records wait and leave together in the next request (up to `maxBatch` records, any topics), on whichever lane
 * frees first. Each caller resolves when its own records were acknowledged (acks=all) and rejects with the error of
 * the request that carried them — so callers still commit only what Kafka has. Nothing is ordered across requests:
 * records of different callers, or the parts of a split send, may land in either order.
 *
 * A send may `linger` (records nobody waits on to go on, e.g. attempt records after the webhook was sent): its
 * records wait up to `lingerMs` for other records to share a request with, and leave at once with the next send
 * that does not linger — at moderate rates they ride along with the next latency-bound send instead of costing a
 * produce request of their own.
 */
export class CoalescingSender {
  readonly #idle: Producer[];
  readonly #maxBatch: number;
  readonly #maxBytes: number;
  readonly #queue: Waiting[] = [];
  readonly #lingerMs: number;
  #lingerTimer: NodeJS.Timeout | undefined;

  /**
   * `maxBytes` bounds the records' bytes per request (the broker refuses a record batch over its
   * `message.max.bytes`, 1 MiB by default): larger sends are split, and resolve when every part was acknowledged.
   */
  constructor(producers: Producer | readonly Producer[], opts: { maxBatch?: number; maxBytes?: number; lingerMs?: number } = {}) {
    this.#idle = Array.isArray(producers) ? [...(producers as readonly Producer[])] : [producers as Producer];
    if (this.#idle.length === 0) throw new Error('CoalescingSender needs at least one producer');
    this.#maxBatch = opts.maxBatch ?? 2_000;
    this.#maxBytes = opts.maxBytes ?? MAX_SEND_BYTES;
    this.#lingerMs = opts.lingerMs ?? 0;
  }

  /** Sends `messages` to `topic` together with whatever else is waiting. */
  send(topic: string, messages: Message[], opts: { linger?: boolean } = {}): Promise<void> {
    return this.sendBatch([{ topic, messages }], opts);
  }

  /** Sends records to several topics in one go (they share the request with whatever else is waiting). */
  sendBatch(topicMessages: TopicMessages[], opts: { linger?: boolean } = {}): Promise<void> {
    const dueAt = opts.linger && this.#lingerMs > 0 ? Date.now() + this.#lingerMs : 0;
    // Split into parts of at most maxBytes, counting each record once.
    const parts: Array<{ topicMessages: TopicMessages[]; count: number; bytes: number }> = [];
    let part = { topicMessages: [] as TopicMessages[], count: 0, bytes: 0 };
    for (const { topic, messages } of topicMessages) {
      for (const m of messages) {
        const size = sizeOf(m);
        if (part.bytes > 0 && part.bytes + size > this.#maxBytes) {
          parts.push(part);
          part = { topicMessages: [], count: 0, bytes: 0 };
        }
        const last = part.topicMessages[part.topicMessages.length - 1];
        if (last && last.topic === topic) last.messages.push(m);
        else part.topicMessages.push({ topic, messages: [m] });
        part.count += 1;
        part.bytes += size;
      }
    }
    if (part.count > 0) parts.push(part);
    return Promise.all(
      parts.map(
        (p) =>
          new Promise<void>((resolve, reject) => {
            this.#queue.push({ ...p, dueAt, resolve, reject });
            this.#pump();
          }),
      ),
    ).then(() => undefined);
  }

  /** True when the queue may wait for more records: every one may linger, none is due, and a request is not full. */
  #lingering(): boolean {
    if (this.#lingerMs === 0) return false;
    const now = Date.now();
    let count = 0;
    let bytes = 0;
    let due = Infinity;
    for (const w of this.#queue) {
      if (w.dueAt <= now) return false;
      count += w.count;
      bytes += w.bytes;
      due = Math.min(due, w.dueAt);
    }
    if (count >= this.#maxBatch || bytes >= this.#maxBytes) return false;
    this.#lingerTimer ??= setTimeout(() => {
      this.#lingerTimer = undefined;
      this.#pump();
    }, due - now);
    return true;
  }

  #pump(): void {
    while (this.#idle.length > 0 && this.#queue.length > 0) {
      if (this.#lingering()) return;
      if (this.#lingerTimer) {
        clearTimeout(this.#lingerTimer);
        this.#lingerTimer = undefined;
      }
      const producer = this.#idle.pop()!;
      const batch: Waiting[] = [];
      let count = 0;
      let bytes = 0;
      while (
        this.#queue.length > 0 &&
        (batch.length === 0 || (count + this.#queue[0]!.count <= this.#maxBatch && bytes + this.#queue[0]!.bytes <= this.#maxBytes))
      ) {
        const next = this.#queue.shift()!;
        batch.push(next);
        count += next.count;
        bytes += next.bytes;
      }
      const byTopic = new Map<string, Message[]>();
      for (const w of batch) {
        for (const t of w.topicMessages) {
          const list = byTopic.get(t.topic);
          if (list) list.push(...t.messages);
          else byTopic.set(t.topic, [...t.messages]);
        }
      }
      const topicMessages = [...byTopic].map(([topic, messages]) => ({ topic, messages }));
      producer
        .sendBatch({ acks: ACKS_ALL, topicMessages })
        .then(
          (answer) => {
            recordOffsets(topicMessages, answer);
            batch.forEach((w) => w.resolve());
          },
          async (err: unknown) => {
            if (batch.length === 1 || !refusedRecords(err)) return batch.forEach((w) => w.reject(err));
            // The broker refused records of the request (too large, invalid): they fail only their own caller; the
            // others are sent again, each alone, on this lane.
            for (const w of batch) {
              await producer.sendBatch({ acks: ACKS_ALL, topicMessages: w.topicMessages }).then((answer) => {
                recordOffsets(w.topicMessages, answer);
                w.resolve();
              }, w.reject);
            }
          },
        )
        .finally(() => {
          this.#idle.push(producer);
          this.#pump();
        });
    }
  }
}

/**
 * The broker answered that it will not take records of the request (an error code that retrying cannot fix, e.g.
 * MESSAGE_TOO_LARGE): unlike an unreachable broker, that is about some records, not the request.
 */
function refusedRecords(err: unknown): boolean {
  const e = err as { name?: string; retriable?: boolean };
  return e?.name === 'KafkaJSProtocolError' && e.retriable === false;
}

/** Approximate bytes a record takes in a request (value, key and headers). */
function sizeOf(m: Message): number {
  let n = 64 + (m.value ? Buffer.byteLength(m.value as string | Buffer) : 0) + (m.key ? Buffer.byteLength(m.key as string | Buffer) : 0);
  for (const [k, v] of Object.entries(m.headers ?? {})) n += k.length + (v === undefined ? 0 : Buffer.byteLength(String(v)));
  return n;
}
