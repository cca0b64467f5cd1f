import { backoffMs, recordHeaders, type DeliveryRecord } from '@hookline/contracts';
import type { DirectoryEndpoint, OrderedDeliveriesRepository } from '@hookline/db';
import { headerString, type CoalescingSender } from '@hookline/kafka';
import type { Logger } from '@hookline/telemetry';
import type { KafkaMessage } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';
import { aborted } from '../handoff/hand-off.ts';
import { admission, afterDelivery, type DeliveryEnd, type OrderAdmission } from '../domain/ordering.ts';

/** Backoff between tries of the gate's PostgreSQL steps: from 0.1 s, doubling, up to 5 s, until they succeed or the dispatcher stops. */
const GATE_BACKOFF = { baseMs: 100, maxMs: 5_000 };
/** `done` rows are kept a day (a replay or redrive of one is then sent outside the order), then deleted. */
const DONE_KEPT_MS = 24 * 3_600_000;
const SWEEP_EVERY_MS = 10 * 60_000;
const SWEEP_ROWS = 5_000;
/** How often the deliveries still waiting at endpoints that are no longer ordered are let go. */
const DRAIN_EVERY_MS = 10_000;
const DRAIN_ROWS = 500;

export interface OrderingGateDeps {
  repo: OrderedDeliveriesRepository;
  /** The dispatcher's one sender: a released delivery goes back onto the deliveries topic through it. */
  sender: CoalescingSender;
  deliveriesTopic: string;
  /** Whether an endpoint is ordered now (undefined: not known, e.g. deleted). */
  ordered: (endpointId: string) => boolean | undefined;
  log: Logger;
}

/** A delivery record of an ordered endpoint, as the gate sees it. */
export interface GateRecord {
  delivery: DeliveryRecord;
  endpoint: DirectoryEndpoint;
  message: KafkaMessage;
  /** From a retry tier (a head's next attempt), not the deliveries topic. */
  fromRetryTier: boolean;
}

/**
 * Ordered delivery per key (`ordering: "key"`): lets only a key's head through, one at a time, in publish order.
 * The order lives in PostgreSQL (`ordered_deliveries`, migration 0014), not in memory: a delivery that arrives behind
 * its key's head is written there and its record finished, so a key held back for hours costs no memory and the order
 * survives a restart or a rebalance. When the head ends (succeeded, failed for good, or dead with `skip`) the next
 * delivery of its key is produced again onto the deliveries topic, in the same transaction that marks the head done;
 * dead with `block`, the key waits until the dead delivery is redriven. The head's retries take the ordinary retry
 * tiers. Fresh records of one key are admitted in the order of their offsets (a chain per key, as long as they are
 * in flight): one endpoint's deliveries share a partition, so that is the order fan-out produced them in.
 */
export class OrderingGate {
  readonly #d: OrderingGateDeps;
  /** Per endpoint and key: the admission of the latest fresh record in flight (the next one waits for it). */
  readonly #tails = new Map<string, Promise<unknown>>();
  #sweep: NodeJS.Timeout | undefined;
  #drain: NodeJS.Timeout | undefined;
  #draining = false;

  constructor(deps: OrderingGateDeps) {
    this.#d = deps;
  }

  /** Whether deliveries to this endpoint go through the gate. */
  static applies(endpoint: DirectoryEndpoint | undefined): endpoint is DirectoryEndpoint {
    return endpoint?.ordering === 'key';
  }

  /**
   * Where the record's delivery stands in its key's order. Call synchronously when the record is taken (records of
   * one partition in offset order): fresh records of one key are admitted in that order, under the key's lock. A
   * released record (`hookline-ordering-released`) is its key's head: it was produced by the transaction that marked
   * the delivery before it done (should that transaction fail after the produce, it runs again: the release may come
   * twice, never before the delivery before it was attempted).
   */
  admit(r: GateRecord, signal: AbortSignal): Promise<OrderAdmission> {
    const { delivery, message } = r;
    if (!r.fromRetryTier && headerString(message.headers, recordHeaders.orderingReleased) !== undefined) return Promise.resolve('deliver');
    const arrival = !r.fromRetryTier && delivery.orderingKey !== undefined
      ? {
          endpointId: delivery.endpointId,
          orderingKey: delivery.orderingKey,
          seq: BigInt(message.offset),
          record: message.value ?? Buffer.alloc(0),
          traceparent: headerString(message.headers, recordHeaders.traceparent),
        }
      : undefined;
    const run = () => this.#untilDone('admit', delivery, signal, () => this.#d.repo.admit(delivery.deliveryId, arrival));
    if (!arrival) return run().then((place) => admission(place, r.fromRetryTier));
    const key = `${delivery.endpointId}\u001f${arrival.orderingKey}`;
    const mine = (this.#tails.get(key) ?? Promise.resolve()).then(run, run);
    this.#tails.set(key, mine);
    void mine.then(
      () => this.#forget(key, mine),
      () => this.#forget(key, mine),
    );
    return mine.then((place) => admission(place, r.fromRetryTier));
  }

  /** The head ended: marks it done (producing its key's next delivery again) or blocked, per the endpoint's `orderingOnDead`. */
  async ended(delivery: DeliveryRecord, endpoint: DirectoryEndpoint, end: DeliveryEnd, signal: AbortSignal): Promise<void> {
    const next = afterDelivery(end, endpoint.orderingOnDead ?? 'skip');
    if (next === 'hold') return;
    await this.#untilDone('finish', delivery, signal, () =>
      this.#d.repo.finish(
        delivery.deliveryId,
        delivery.orderingKey === undefined ? undefined : { endpointId: delivery.endpointId, orderingKey: delivery.orderingKey },
        next,
        (released) => this.#send([released], true),
      ),
    );
    if (next === 'blocked') {
      this.#d.log.warn({ delivery_id: delivery.deliveryId, endpoint_id: endpoint.id, ordering_key: delivery.orderingKey }, 'ordering key blocked by a dead delivery until it is redriven');
    }
  }

  /**
   * Deletes `done` rows older than a day every ten minutes; and every ten seconds (and now) lets go what still waits
   * at endpoints whose `ordering` was turned off (their waiting deliveries produced again, unordered now; a blocked
   * dead one stays a dead letter).
   */
  start(): void {
    const sweep = () => {
      this.#d.repo.deleteDone(new Date(Date.now() - DONE_KEPT_MS), SWEEP_ROWS).catch((err: unknown) => this.#d.log.warn({ err }, 'deleting done ordered deliveries failed'));
    };
    this.#sweep = setInterval(sweep, SWEEP_EVERY_MS);
    this.#sweep.unref();
    const drain = () => {
      if (this.#draining) return;
      this.#draining = true;
      this.#drainUnordered()
        .catch((err: unknown) => this.#d.log.warn({ err }, 'letting go of deliveries waiting at unordered endpoints failed'))
        .finally(() => (this.#draining = false));
    };
    drain();
    this.#drain = setInterval(drain, DRAIN_EVERY_MS);
    this.#drain.unref();
  }

  stop(): void {
    clearInterval(this.#sweep);
    clearInterval(this.#drain);
  }

  async #drainUnordered(): Promise<void> {
    for (const endpointId of await this.#d.repo.endpointsWithOpenRows()) {
      if (this.#d.ordered(endpointId) !== false) continue;
      let closed = 0;
      for (let n; (n = await this.#d.repo.drain(endpointId, DRAIN_ROWS, (waiting) => this.#send(waiting, false))) > 0; ) closed += n;
      this.#d.log.info({ endpoint_id: endpointId, deliveries: closed }, 'ordering turned off: waiting deliveries let go');
    }
  }

  /** Produces deliveries again onto the deliveries topic; `head`: each is its key's head (marked released). */
  #send(released: Array<{ endpointId: string; record: Buffer; traceparent: string | null }>, head: boolean): Promise<void> {
    return this.#d.sender.send(
      this.#d.deliveriesTopic,
      released.map((r) => ({
        key: r.endpointId,
        value: r.record,
        headers: {
          ...(r.traceparent ? { [recordHeaders.traceparent]: r.traceparent } : {}),
          ...(head ? { [recordHeaders.orderingReleased]: '1' } : {}),
        },
      })),
    );
  }

  #forget(key: string, p: Promise<unknown>): void {
    if (this.#tails.get(key) === p) this.#tails.delete(key);
  }

  /**
   * Runs a PostgreSQL step until it succeeds (a failure must neither reorder a key — the next record's admission
   * waits for this one — nor send a webhook again), or throws when the dispatcher stops (the record stays uncommitted).
   */
  async #untilDone<T>(step: string, delivery: DeliveryRecord, signal: AbortSignal, run: () => Promise<T>): Promise<T> {
    for (let retry = 0; ; retry++) {
      try {
        return await run();
      } catch (err) {
        if (signal.aborted) throw aborted(step === 'admit' ? 'before_send' : 'after_send', err);
        if (retry % 10 === 0) this.#d.log.warn({ err, step, delivery_id: delivery.deliveryId, retry: retry + 1 }, 'ordered delivery step failed; retrying');
        await sleep(backoffMs(retry, GATE_BACKOFF), undefined, { signal }).catch(() => undefined);
      }
    }
  }
}
