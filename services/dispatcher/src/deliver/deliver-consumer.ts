import { paceFetches, QUIET_FETCHES, type FetchPace } from '@hookline/kafka';
import type { Logger } from '@hookline/telemetry';
import type { Consumer } from 'kafkajs';
import { fetchesOnlyConfirm } from '../domain/deliver-fetch-pace.ts';
import { deliveryHandler, type DeliveryHandlerDeps } from './delivery-handler.ts';
import { PartitionPipeline } from './partition-pipeline.ts';

export interface DeliverConsumerDeps extends DeliveryHandlerDeps {
  /** Consumer of the deliveries topic (group `<prefix>.deliver`). */
  consumer: Consumer;
  partitionsConcurrently: number;
  maxInFlight: number;
  /** What the deliver consumer's fetch pace depends on (domain/deliver-fetch-pace.ts); without it, its own settings. */
  pace?: {
    /** Partitions of the deliveries topic (asked after every join). */
    partitionCount: () => Promise<number>;
    /** Endpoints with ordered delivery now. */
    orderedEndpoints: () => number;
  };
}

/**
 * Delivery of fresh deliveries (the deliveries topic) through a {@link PartitionPipeline}. A record an earlier owner
 * may have delivered (its offset not committed before a crash or a rebalance) is skipped once its delivery
 * succeeded. Retries come back through the retry tiers (`retry/retry-tier-consumer.ts`). Records the fan-out of
 * this process produced are handed over when the broker acknowledged them ({@link PartitionPipeline.handOver}); when
 * that is every record, the consumer's fetches only confirm them and may wait ({@link CONFIRMING_FETCH_PACE}).
 */
/**
 * The deliver consumer's fetches when they only confirm deliveries already started ({@link fetchesOnlyConfirm}): the
 * broker answers once 64 KiB are there or after 1 s (as long as an idle fetch waits anyway), instead of once per record.
 */
export const CONFIRMING_FETCH_PACE: FetchPace = { minBytes: 64 * 1024, maxWaitTimeInMs: 1_000 };

export function createDeliverConsumer(d: DeliverConsumerDeps): PartitionPipeline {
  if (d.pace) paceDeliverFetches(d.consumer, d.topics.deliveries, d.pace, d.log);
  return new PartitionPipeline({
    name: 'deliver consumer',
    consumer: d.consumer,
    topics: [d.topics.deliveries],
    log: d.log,
    maxInFlight: d.maxInFlight,
    partitionsConcurrently: d.partitionsConcurrently,
    // Fan-out's records may start on the broker's acknowledgement, before they are fetched (direct-handover.ts).
    handoverLimit: d.maxInFlight,
    handoverCounted: (result) => d.metrics?.handedOver(result),
    handle: deliveryHandler(d, (context) => context.maybeHandledBefore),
  });
}

/** Chooses the deliver consumer's fetch pace before each fetch: after every join, whether it owns every partition. */
function paceDeliverFetches(consumer: Consumer, topic: string, pace: NonNullable<DeliverConsumerDeps['pace']>, log: Logger): void {
  let ownsEveryPartition = false;
  let joins = 0;
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    // Until the partitions are counted, fetch at once.
    ownsEveryPartition = false;
    const join = ++joins;
    const mine = payload.memberAssignment[topic]?.length ?? 0;
    pace.partitionCount().then(
      (count) => {
        if (join === joins) ownsEveryPartition = mine > 0 && mine >= count;
      },
      (err: unknown) => log.warn({ err }, 'could not count the deliveries partitions; the deliver consumer fetches at once'),
    );
  });
  // Logged when it changes (not the first choice: every consumer starts fetching at once).
  let confirming = false;
  paceFetches(consumer, () => {
    const now = fetchesOnlyConfirm({ ownsEveryPartition, orderedEndpoints: pace.orderedEndpoints() });
    if (now !== confirming) {
      confirming = now;
      if (now) log.info({ min_bytes: CONFIRMING_FETCH_PACE.minBytes, max_wait_ms: CONFIRMING_FETCH_PACE.maxWaitTimeInMs }, 'deliver consumer: every delivery starts from the hand-over; fetches only confirm them and may wait');
      else log.info('deliver consumer: fetches records as soon as they are there');
    }
    return now ? CONFIRMING_FETCH_PACE : undefined;
  }, { quiet: QUIET_FETCHES });
}
