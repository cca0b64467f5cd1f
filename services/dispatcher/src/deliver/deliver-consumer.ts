import { decodeRecord, deliveryRecord, recordHeaders, type TopicNames } from '@hookline/contracts';
import { headerString, processTraced, sendToInvalid } from '@hookline/kafka';
import type { Logger } from '@hookline/telemetry';
import type { Consumer, KafkaMessage, Producer } from 'kafkajs';
import type { Deliverer } from './deliverer.ts';
import type { DispatcherMetrics } from '../metrics/dispatcher-metrics.ts';
import type { SucceededCheck } from './succeeded-check.ts';
import { retryDueAt } from '../domain/retry-policy.ts';
import { PartitionPipeline, type RecordContext } from './partition-pipeline.ts';

export interface DeliverConsumerDeps {
  /** Consumer of the deliveries topic (group `<prefix>.deliver`). */
  deliveries: Consumer;
  /** Consumer of every retry tier topic (group `<prefix>.deliver.retry`). */
  retries: Consumer;
  retryTopics: string[];
  producer: Producer;
  deliverer: Deliverer;
  /** Whether the tracker already recorded a delivery as succeeded (asked only for records that may be repeats). */
  succeeded: SucceededCheck;
  metrics?: DispatcherMetrics;
  topics: TopicNames;
  log: Logger;
  partitionsConcurrently: number;
  maxInFlight: number;
  /** The longest a retry record may wait after it was produced (`longestRetryWaitMs` of the schedule). */
  longestRetryWaitMs: number;
  now?: () => number;
}

/**
 * Delivery: fresh deliveries and the retry tiers, each through a {@link PartitionPipeline}. The retry
 * pipeline pauses a partition until its head record is due (`hookline-not-before`). Undecodable records go to
 * the invalid topic with the reason.
 */
export class DeliverConsumer {
  readonly #fresh: PartitionPipeline;
  readonly #retry: PartitionPipeline;

  constructor(d: DeliverConsumerDeps) {
    const isRetryTier = new Set(d.retryTopics);
    const handle = (topic: string, partition: number, message: KafkaMessage, signal: AbortSignal, context: RecordContext) =>
      processTraced({ topic, partition, message }, {}, async (span) => {
        const decoded = decodeRecord(deliveryRecord, message.value);
        if (!decoded.ok) {
          d.log.warn({ topic, partition, offset: message.offset, reason: decoded.reason }, 'invalid delivery routed to the invalid topic');
          await sendToInvalid(d.producer, d.topics.invalid, { topic, partition, message }, decoded.reason);
          return;
        }
        span.setAttributes({
          'hookline.event_id': decoded.value.eventId,
          'hookline.endpoint_id': decoded.value.endpointId,
          'hookline.tenant_id': decoded.value.tenantId,
          ...(decoded.value.applicationId ? { 'hookline.application_id': decoded.value.applicationId } : {}),
          'hookline.attempt': decoded.value.attempt + 1,
        });
        // A record an earlier owner may have delivered (its offset not committed before a crash or a rebalance), or a
        // retry record (one may be produced twice when a hand-off is retried): nothing to do once the delivery succeeded.
        if ((context.maybeHandledBefore || isRetryTier.has(topic)) && (await d.succeeded.succeeded(decoded.value.deliveryId))) {
          span.setAttribute('hookline.skipped', 'already_succeeded');
          d.metrics?.skipped('already_succeeded');
          return;
        }
        await d.deliverer.deliver(decoded.value, message.headers, signal);
      });
    const common = { log: d.log, handle, maxInFlight: d.maxInFlight, partitionsConcurrently: d.partitionsConcurrently, ...(d.now ? { now: d.now } : {}) };
    this.#fresh = new PartitionPipeline({ ...common, consumer: d.deliveries, topics: [d.topics.deliveries] });
    this.#retry = new PartitionPipeline({ ...common, consumer: d.retries, topics: d.retryTopics, dueAt: (m) => dueAt(m, d.longestRetryWaitMs) });
  }

  get inFlight(): number {
    return this.#fresh.inFlight + this.#retry.inFlight;
  }

  async start(): Promise<void> {
    await Promise.all([this.#fresh.start(), this.#retry.start()]);
  }

  async stop(drainMs: number): Promise<void> {
    await Promise.all([this.#fresh.stop(drainMs), this.#retry.stop(drainMs)]);
  }
}

/**
 * A retry record is due at its `hookline-not-before` header (falling back to the value's `notBefore`), at most the
 * longest retry wait after it was produced. A record that does not decode is due at once: it goes to the invalid
 * topic instead of holding its partition.
 */
function dueAt(message: KafkaMessage, longestWaitMs: number): number | null {
  const decoded = decodeRecord(deliveryRecord, message.value);
  if (!decoded.ok) return null;
  return retryDueAt(headerString(message.headers, recordHeaders.notBefore), decoded.value.notBefore, Number(message.timestamp), longestWaitMs);
}
