/** An event as the list route shows it. */
export interface ListedEvent {
  id: string;
  type: string;
  createdAt: string;
  data: Record<string, unknown>;
}

/** A delivery as GET /v1/events/{id} shows it. */
export interface TailDelivery {
  endpointId: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  nextAttemptAt: string | null;
}

/** Statuses a delivery does not leave by itself. */
export const TERMINAL = new Set(['succeeded', 'failed', 'dead']);

export interface TailOptions {
  /** Where following starts (ISO). */
  start: string;
  /** How far back of the newest event seen the next list reaches (events are recorded a moment late). */
  lookbackMs: number;
  /** An event that has no delivery this long after it was first seen is no longer watched (no endpoint wanted it). */
  noDeliveryMs: number;
  /** The longest an event's deliveries are watched. */
  maxWatchMs: number;
}

interface Watched {
  firstSeen: number;
  deliveries: Map<string, string>;
}

/**
 * What `events tail` has seen: which events are new, which delivery states changed, which events are still
 * worth asking about, and where the next list starts. Pure: the caller does the I/O and passes the clock.
 */
export class TailState {
  readonly #opts: TailOptions;
  readonly #seen = new Map<string, number>();
  readonly #watching = new Map<string, Watched>();
  #newest: number;

  constructor(opts: TailOptions) {
    this.#opts = opts;
    this.#newest = Date.parse(opts.start);
  }

  /** The `after` of the next list request. */
  get after(): string {
    return new Date(Math.max(Date.parse(this.#opts.start), this.#newest - this.#opts.lookbackMs)).toISOString();
  }

  /** The events of a list answer not shown before, oldest first; they become watched. */
  newEvents(listed: readonly ListedEvent[], now: number): ListedEvent[] {
    const fresh = listed.filter((e) => !this.#seen.has(e.id)).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
    for (const e of fresh) {
      const at = Date.parse(e.createdAt);
      this.#seen.set(e.id, at);
      this.#newest = Math.max(this.#newest, at);
      this.#watching.set(e.id, { firstSeen: now, deliveries: new Map() });
    }
    const horizon = Date.parse(this.after);
    for (const [id, at] of this.#seen) if (at < horizon && !this.#watching.has(id)) this.#seen.delete(id);
    return fresh;
  }

  /** The event ids whose deliveries are still worth asking about, oldest first, at most `max`. */
  watching(max: number): string[] {
    return [...this.#watching.keys()].slice(0, max);
  }

  /** How many events are still watched. */
  get watchedCount(): number {
    return this.#watching.size;
  }

  /** Records an event's deliveries; returns those whose status or attempt count changed. */
  deliveries(eventId: string, deliveries: readonly TailDelivery[], now: number): TailDelivery[] {
    const w = this.#watching.get(eventId);
    if (!w) return [];
    const changed: TailDelivery[] = [];
    for (const d of deliveries) {
      const key = `${d.status}/${d.attempts}`;
      if (w.deliveries.get(d.endpointId) !== key) {
        w.deliveries.set(d.endpointId, key);
        changed.push(d);
      }
    }
    const settled = deliveries.length > 0 && deliveries.every((d) => TERMINAL.has(d.status));
    const unwanted = deliveries.length === 0 && now - w.firstSeen >= this.#opts.noDeliveryMs;
    if (settled || unwanted || now - w.firstSeen >= this.#opts.maxWatchMs) this.#watching.delete(eventId);
    return changed;
  }

  /** Stops watching an event (e.g. it is gone). */
  forget(eventId: string): void {
    this.#watching.delete(eventId);
  }
}
