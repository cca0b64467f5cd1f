import type { Message } from 'kafkajs';

/**
 * A delivery record the fan-out is producing, which this process may deliver before its deliver consumer fetches it.
 * `expected`: registered before the send; `claimed`: the consumer fetched it first and handles it as any record;
 * `started`: handed over after the broker acknowledged it, `done` settles when its handling ends.
 */
export interface HandoverTicket {
  readonly topic: string;
  readonly message: Message;
  readonly key: string;
  readonly value: Buffer;
  /**
   * The record's value as fan-out built it, when decoding its bytes gives the same (its handler need not decode them);
   * let go once the hand-over passed it on, as the ticket may wait longer for the consumer's fetch.
   */
  decoded: unknown;
  state: 'expected' | 'claimed' | 'started';
  partition?: number;
  done?: Promise<void>;
}

/** A record about to be produced, with its value as built when decoding its bytes would give the same (else undefined). */
export interface HandoverRecord {
  message: Message;
  decoded?: unknown;
}

/**
 * The delivery records fan-out handed (or is about to hand) straight to the deliver pipeline of the same process, so
 * that a delivery starts when the broker acknowledged its record instead of one fetch round later. Every record is
 * still in the deliveries topic and is still fetched; the book makes sure each is handled once by whichever comes
 * first: a record the consumer fetches while its ticket is `expected` is claimed by the consumer (the hand-over then
 * leaves it alone); one fetched after it was `started` waits for that handling before its offset is committed.
 * Records are matched by key (the endpoint id) and value (bytes, which hold the delivery id), in the order produced.
 * No I/O: the pipeline (`partition-pipeline.ts`) and the fan-out drive it.
 */
export class HandoverBook {
  readonly #byKey = new Map<string, HandoverTicket[]>();
  readonly #limit: number;
  #size = 0;

  /** `limit`: tickets held at most (beyond it, records are left to the consumer alone). */
  constructor(limit: number) {
    this.#limit = limit;
  }

  get size(): number {
    return this.#size;
  }

  /** Registers records about to be produced (before the send); none when the book is full or a record has no key. */
  expect(topic: string, records: readonly HandoverRecord[]): HandoverTicket[] {
    if (this.#size + records.length > this.#limit) return [];
    const tickets: HandoverTicket[] = [];
    for (const { message, decoded } of records) {
      if (message.key === undefined || message.key === null || !Buffer.isBuffer(message.value)) continue;
      const ticket: HandoverTicket = { topic, message, key: message.key.toString(), value: message.value, decoded, state: 'expected' };
      const list = this.#byKey.get(ticket.key);
      if (list) list.push(ticket);
      else this.#byKey.set(ticket.key, [ticket]);
      this.#size += 1;
      tickets.push(ticket);
    }
    return tickets;
  }

  /**
   * The consumer fetched a record: its ticket, taken out of the book, or undefined when the book has none. A ticket
   * still `expected` becomes `claimed` (the consumer handles the record); a `started` one is the caller's to wait on.
   */
  take(topic: string, key: Buffer | null, value: Buffer | null): HandoverTicket | undefined {
    if (this.#size === 0 || key === null || value === null) return undefined;
    const k = key.toString();
    const list = this.#byKey.get(k);
    if (!list) return undefined;
    const i = list.findIndex((t) => t.topic === topic && t.value.equals(value));
    if (i < 0) return undefined;
    const [ticket] = list.splice(i, 1);
    if (list.length === 0) this.#byKey.delete(k);
    this.#size -= 1;
    if (ticket!.state === 'expected') ticket!.state = 'claimed';
    return ticket;
  }

  /** Takes a ticket out of the book (its record was not produced, or goes to a partition this process does not read). */
  forget(ticket: HandoverTicket): void {
    const list = this.#byKey.get(ticket.key);
    const i = list?.indexOf(ticket) ?? -1;
    if (i < 0) return;
    list!.splice(i, 1);
    if (list!.length === 0) this.#byKey.delete(ticket.key);
    this.#size -= 1;
  }

  /** Takes out the started tickets of partitions this consumer no longer owns (their next owner fetches them). */
  forgetPartitionsNotIn(assigned: ReadonlySet<string>): void {
    for (const list of [...this.#byKey.values()]) {
      for (const t of [...list]) if (t.state === 'started' && !assigned.has(`${t.topic}/${t.partition}`)) this.forget(t);
    }
  }
}
