import { backoffMs, HooklineError, type DeliveryRecord, type FailureStage } from '@hookline/contracts';
import { traceSends, type CoalescingSender } from '@hookline/kafka';
import type { Logger } from '@hookline/telemetry';
import type { Attributes } from '@opentelemetry/api';
import type { TopicMessages } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TopicRecords } from '../domain/handoff-records.ts';
import type { DispatcherMetrics } from '../metrics/dispatcher-metrics.ts';

/**
 * Hand-off records may linger in the sender (up to its `lingerMs`): nobody waits on them but the delivery's offset
 * commit, so at moderate rates they ride along with fan-out's next delivery records instead of costing a produce
 * request each.
 */
const LINGER = { linger: true };

/** How long the hand-off after a sent webhook waits between tries (it tries until it succeeds or the process stops). */
const HAND_OFF_BACKOFF = { baseMs: 100, maxMs: 5_000 };

/** The delivery was interrupted by shutdown; its record is left uncommitted for the next owner. */
export const aborted = (stage: FailureStage, cause?: unknown) =>
  new HooklineError({ code: 'HKL_DISPATCH_ABORTED', message: 'shutting down', retryable: true, stage, cause });

export interface HandOffDeps {
  /** The dispatcher's one sender (fan-out's delivery records share its requests). */
  sender: CoalescingSender;
  log: Logger;
  metrics?: DispatcherMetrics | undefined;
  random?: () => number;
}

/**
 * Hands a delivery's records to the next topics — attempts, a retry tier, the dead-letter topic, operational — and
 * resolves once the broker acknowledged them. Concurrent deliveries' records share produce requests
 * ({@link CoalescingSender}). Each topic's records go in one `send <topic>` PRODUCER span, child of the active span
 * (the attempt's CLIENT span, or the delivery's CONSUMER span for a requeue before an attempt), whose context the
 * records carry, so the retry tier's and the tracker's CONSUMER spans are its children. Without a tracing SDK the
 * records carry `traceparent` (the webhook's, or the source record's).
 */
export class HandOff {
  readonly #sender: CoalescingSender;
  readonly #log: Logger;
  readonly #metrics: DispatcherMetrics | undefined;
  readonly #random: () => number;

  constructor(d: HandOffDeps) {
    this.#sender = d.sender;
    this.#log = d.log;
    this.#metrics = d.metrics;
    this.#random = d.random ?? Math.random;
  }

  /** Produces the records once; a failure is the caller's (before an attempt: the whole delivery runs again). */
  async send(records: TopicRecords[], delivery: DeliveryRecord, traceparent: string | undefined): Promise<void> {
    await this.#traced(records, handOffAttributes(delivery), traceparent, (traced) => this.#sender.sendBatch(traced, LINGER));
  }

  /**
   * The hand-off after a sent webhook: produced again until acknowledged, or until `signal` (stopping) aborts it.
   * The webhook is never sent again for it.
   */
  async sendAfterAttempt(
    records: TopicRecords[],
    delivery: DeliveryRecord,
    attempt: number,
    traceparent: string | undefined,
    ids: Record<string, unknown>,
    signal: AbortSignal,
  ): Promise<void> {
    await this.#traced(records, { ...handOffAttributes(delivery), 'hookline.attempt': attempt }, traceparent, (traced) =>
      this.retryAfterSend('hand-off', ids, signal, () => this.#sender.sendBatch(traced, LINGER)),
    );
  }

  /**
   * Runs one step of the hand-off after a sent webhook until it succeeds, with backoff, or the dispatcher stops
   * (then the record stays uncommitted for the next owner, the one case a webhook is sent again).
   */
  async retryAfterSend<T>(step: string, ids: Record<string, unknown>, signal: AbortSignal, run: () => Promise<T>): Promise<T> {
    for (let retry = 0; ; retry++) {
      try {
        return await run();
      } catch (err) {
        if (signal.aborted) throw aborted('after_send', err);
        const delayMs = backoffMs(retry, { ...HAND_OFF_BACKOFF, random: this.#random });
        // The first failure and every tenth after it: an outage must not turn into a log line per delivery per try.
        if (retry % 10 === 0) {
          this.#log.warn(
            { code: 'HKL_DISPATCH_HAND_OFF', stage: 'after_send', err, ...ids, step, retry: retry + 1, delay_ms: delayMs },
            `${step} failed after the webhook was sent; retrying it (not the webhook)`,
          );
        }
        this.#metrics?.handOffRetry(step);
        await sleep(delayMs, undefined, { signal }).catch(() => undefined);
      }
    }
  }

  /** Runs `publish` with the records in their PRODUCER spans (built once: a retried produce sends the same). */
  async #traced(
    records: TopicRecords[],
    attributes: Attributes,
    traceparent: string | undefined,
    publish: (records: TopicMessages[]) => Promise<unknown>,
  ): Promise<void> {
    const sends = traceSends(records, attributes, traceparent ? { traceparent } : undefined);
    try {
      await publish(sends.topicMessages);
    } catch (err) {
      sends.end(err);
      throw err;
    }
    sends.end();
  }
}

/** The ids a hand-off's PRODUCER spans carry (one delivery's records). */
function handOffAttributes(delivery: DeliveryRecord): Attributes {
  return {
    'hookline.event_id': delivery.eventId,
    'hookline.delivery_id': delivery.deliveryId,
    'hookline.endpoint_id': delivery.endpointId,
    'hookline.tenant_id': delivery.tenantId,
    ...(delivery.applicationId ? { 'hookline.application_id': delivery.applicationId } : {}),
  };
}
