import type { Consumer } from 'kafkajs';
import { deliveryHandler, type DeliveryHandlerDeps } from './delivery-handler.ts';
import { PartitionPipeline } from './partition-pipeline.ts';

export interface DeliverConsumerDeps extends DeliveryHandlerDeps {
  /** Consumer of the deliveries topic (group `<prefix>.deliver`). */
  consumer: Consumer;
  partitionsConcurrently: number;
  maxInFlight: number;
}

/**
 * Delivery of fresh deliveries (the deliveries topic) through a {@link PartitionPipeline}. A record an earlier owner
 * may have delivered (its offset not committed before a crash or a rebalance) is skipped once its delivery
 * succeeded. Retries come back through the retry tiers (`retry/retry-tier-consumer.ts`). Records the fan-out of
 * this process produced are handed over when the broker acknowledged them ({@link PartitionPipeline.handOver}).
 */
export function createDeliverConsumer(d: DeliverConsumerDeps): PartitionPipeline {
  return new PartitionPipeline({
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
