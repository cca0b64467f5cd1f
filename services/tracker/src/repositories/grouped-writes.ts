import type { AttemptRecord } from '@hookline/contracts';
import type { TrackedDelivery, TrackedEvent } from '../domain/tracked-records.ts';
import type { TrackingStore } from '../domain/tracking-store.ts';

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
 * All or nothing still holds per call: when a merged write fails, every call is written again on its own, so a
 * batch the database refuses fails alone (its caller isolates it) and the others succeed. The merged write's new
 * rows are reported by the first call of the group (the totals are what the metrics add up).
 */
export class GroupedWrites implements TrackingStore {
  readonly #store: TrackingStore;
  readonly #queues = new Map<Kind, Waiting[]>();

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

  #enqueue(kind: Kind, values: readonly unknown[]): Promise<number> {
    if (values.length === 0) return Promise.resolve(0);
    return new Promise<number>((resolve, reject) => {
      let queue = this.#queues.get(kind);
      if (!queue) {
        this.#queues.set(kind, (queue = []));
        setImmediate(() => void this.#flush(kind));
      }
      queue.push({ values, resolve, reject });
    });
  }

  async #flush(kind: Kind): Promise<void> {
    const group = this.#queues.get(kind) ?? [];
    this.#queues.delete(kind);
    if (group.length === 1) {
      const [one] = group;
      await this.#write(kind, one!.values).then(one!.resolve, one!.reject);
      return;
    }
    try {
      const newRows = await this.#write(kind, group.flatMap((w) => w.values));
      group.forEach((w, i) => w.resolve(i === 0 ? newRows : 0));
    } catch {
      await Promise.all(group.map((w) => this.#write(kind, w.values).then(w.resolve, w.reject)));
    }
  }

  #write(kind: Kind, values: readonly unknown[]): Promise<number> {
    if (kind === 'events') return this.#store.recordEvents(values as TrackedEvent[]);
    if (kind === 'deliveries') return this.#store.recordDeliveries(values as TrackedDelivery[]);
    return this.#store.recordAttempts(values as AttemptRecord[]);
  }
}
