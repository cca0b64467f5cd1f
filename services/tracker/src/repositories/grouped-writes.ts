import type { AttemptRecord } from '@hookline/contracts';
import type { TrackedDelivery, TrackedEvent } from '../domain/tracked-records.ts';
import { pairWithAttempts, type TrackingStore } from '../domain/tracking-store.ts';

type Kind = 'events' | 'deliveries' | 'attempts';
interface Waiting {
  values: readonly unknown[];
  resolve(newRows: number): void;
  reject(err: unknown): void;
}

/**
 * A {@link TrackingStore} that merges the writes of one kind asked for in the same turn of the event loop into one
 * call of the store beneath, i.e. one transaction. The consumer writes each fetched topic-partition's batch on its
 * own, so at moderate rates one fetch (a few records on each of up to eighteen partitions) made as many
 * transactions; merged, it makes at most one per kind.
 *
 * Deliveries and attempts asked for in the same turn are paired: a delivery whose attempt is among them (fan-out's
 * record and the attempt's usually arrive in one fetch) is written with that attempt, one row write instead of an
 * insert and an update; the others are written as before, alongside.
 *
 * All or nothing still holds per call: when a merged write fails, every call is written again on its own, so a
 * batch the database refuses fails alone (its caller isolates it) and the others succeed. The merged write's new
 * rows are reported by the first call of the group (the totals are what the metrics add up).
 */
export class GroupedWrites implements TrackingStore {
  readonly #store: TrackingStore;
  readonly #queues = new Map<Kind, Waiting[]>();
  #scheduled = false;

  constructor(store: TrackingStore) {
    this.#store = store;
  }

  recordEvents(events: readonly TrackedEvent[]): Promise<number> {
    return this.#enqueue('events', events);
  }

  recordDeliveries(deliveries: readonly TrackedDelivery[]): Promise<number> {
    return this.#enqueue('deliveries', deliveries);
  }

  recordAttempts(attempts: readonly AttemptRecord[]): Promise<number> {
    return this.#enqueue('attempts', attempts);
  }

  recordAttemptsWithDeliveries(attempts: readonly AttemptRecord[], deliveries: readonly TrackedDelivery[]): Promise<{ attempts: number; deliveries: number }> {
    return this.#store.recordAttemptsWithDeliveries(attempts, deliveries);
  }

  #enqueue(kind: Kind, values: readonly unknown[]): Promise<number> {
    if (values.length === 0) return Promise.resolve(0);
    return new Promise<number>((resolve, reject) => {
      let queue = this.#queues.get(kind);
      if (!queue) this.#queues.set(kind, (queue = []));
      queue.push({ values, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.#flushAll());
      }
    });
  }

  #flushAll(): void {
    this.#scheduled = false;
    const take = (kind: Kind): Waiting[] => {
      const group = this.#queues.get(kind) ?? [];
      this.#queues.delete(kind);
      return group;
    };
    const events = take('events');
    const deliveries = take('deliveries');
    const attempts = take('attempts');
    if (events.length > 0) void this.#flush('events', events);
    if (deliveries.length > 0 && attempts.length > 0) void this.#flushPaired(deliveries, attempts);
    else {
      if (deliveries.length > 0) void this.#flush('deliveries', deliveries);
      if (attempts.length > 0) void this.#flush('attempts', attempts);
    }
  }

  async #flush(kind: Kind, group: Waiting[]): Promise<void> {
    if (group.length === 1) {
      const [one] = group;
      await this.#write(kind, one!.values).then(one!.resolve, one!.reject);
      return;
    }
    try {
      const newRows = await this.#write(kind, group.flatMap((w) => w.values));
      group.forEach((w, i) => w.resolve(i === 0 ? newRows : 0));
    } catch {
      await this.#eachAlone(kind, group);
    }
  }

  /** Deliveries with their attempts in one write, the unpaired deliveries in another; on failure, each call alone. */
  async #flushPaired(deliveries: Waiting[], attempts: Waiting[]): Promise<void> {
    const allAttempts = attempts.flatMap((w) => w.values) as AttemptRecord[];
    const { paired, alone } = pairWithAttempts(deliveries.flatMap((w) => w.values) as TrackedDelivery[], allAttempts);
    try {
      const [both, deliveredAlone] = await Promise.all([
        this.#store.recordAttemptsWithDeliveries(allAttempts, paired),
        alone.length > 0 ? this.#store.recordDeliveries(alone) : Promise.resolve(0),
      ]);
      deliveries.forEach((w, i) => w.resolve(i === 0 ? both.deliveries + deliveredAlone : 0));
      attempts.forEach((w, i) => w.resolve(i === 0 ? both.attempts : 0));
    } catch {
      await Promise.all([this.#eachAlone('deliveries', deliveries), this.#eachAlone('attempts', attempts)]);
    }
  }

  async #eachAlone(kind: Kind, group: Waiting[]): Promise<void> {
    await Promise.all(group.map((w) => this.#write(kind, w.values).then(w.resolve, w.reject)));
  }

  #write(kind: Kind, values: readonly unknown[]): Promise<number> {
    if (kind === 'events') return this.#store.recordEvents(values as TrackedEvent[]);
    if (kind === 'deliveries') return this.#store.recordDeliveries(values as TrackedDelivery[]);
    return this.#store.recordAttempts(values as AttemptRecord[]);
  }
}
