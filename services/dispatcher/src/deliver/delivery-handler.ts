import { decodeRecord, deliveryRecord, type Decoded, type DeliveryRecord, type TopicNames } from '@hookline/contracts';
import { processTraced, sendToInvalid } from '@hookline/kafka';
import type { Logger } from '@hookline/telemetry';
import type { KafkaMessage, Producer } from 'kafkajs';
import type { DispatcherMetrics } from '../metrics/dispatcher-metrics.ts';
import type { Deliverer } from './deliverer.ts';
import type { EndpointDirectory } from '../fanout/endpoint-directory.ts';
import { OrderingGate } from './ordering-gate.ts';
import type { PipelineOptions, RecordContext } from './partition-pipeline.ts';
import type { SucceededCheck } from './succeeded-check.ts';

export interface DeliveryHandlerDeps {
  producer: Producer;
  deliverer: Deliverer;
  /** The endpoints in memory (whether one is ordered). */
  directory: EndpointDirectory;
  /** Whether the tracker already recorded a delivery as succeeded (asked only for records that may be repeats). */
  succeeded: SucceededCheck;
  /** Ordered delivery per key: the endpoints with `ordering: "key"` see only their keys' heads. */
  ordering: OrderingGate;
  metrics?: DispatcherMetrics;
  topics: TopicNames;
  log: Logger;
}

/**
 * Handles one delivery record, from the deliveries topic or a retry tier, inside its `process` CONSUMER span: an
 * undecodable record goes to the invalid topic with the reason; a record of an ordered endpoint goes through the
 * {@link OrderingGate} (only its key's head is delivered; the others wait in PostgreSQL); a record that may be a
 * repeat (`mayBeRepeat`) is skipped once the tracker recorded its delivery as succeeded; the rest is delivered.
 */
export function deliveryHandler(d: DeliveryHandlerDeps, mayBeRepeat: (context: RecordContext) => boolean): PipelineOptions['handle'] {
  return (topic: string, partition: number, message: KafkaMessage, signal: AbortSignal, context: RecordContext) =>
    processTraced({ topic, partition, message }, {}, async (span) => {
      // A record this process produced comes with its value as built (see RecordContext.decoded).
      const decoded: Decoded<DeliveryRecord> = context.decoded === undefined ? decodeRecord(deliveryRecord, message.value) : { ok: true, value: context.decoded as DeliveryRecord };
      if (!decoded.ok) {
        d.log.warn({ topic, partition, offset: message.offset, reason: decoded.reason }, 'invalid delivery routed to the invalid topic');
        await sendToInvalid(d.producer, d.topics.invalid, { topic, partition, message }, decoded.reason);
        return;
      }
      const delivery = decoded.value;
      span.setAttributes({
        'hookline.event_id': delivery.eventId,
        'hookline.endpoint_id': delivery.endpointId,
        'hookline.tenant_id': delivery.tenantId,
        ...(delivery.applicationId ? { 'hookline.application_id': delivery.applicationId } : {}),
        'hookline.attempt': delivery.attempt + 1,
      });
      // Taken before the first await: the gate admits one key's fresh records in the order they were fetched.
      const endpoint = d.directory.get(delivery.endpointId);
      const gated = OrderingGate.applies(endpoint)
        ? { endpoint, admitted: d.ordering.admit({ delivery, endpoint, message, fromRetryTier: topic !== d.topics.deliveries }, signal) }
        : undefined;
      const admitted = gated ? await gated.admitted : 'unordered';
      if (admitted !== 'unordered') span.setAttribute('hookline.ordering', admitted);
      if (admitted === 'wait' || admitted === 'skip') {
        d.metrics?.skipped(admitted === 'wait' ? 'ordering_wait' : 'ordering_done');
        return;
      }
      if (mayBeRepeat(context) && (await d.succeeded.succeeded(delivery.deliveryId))) {
        span.setAttribute('hookline.skipped', 'already_succeeded');
        d.metrics?.skipped('already_succeeded');
        // A head whose earlier owner delivered it but did not get to let its key go on.
        if (gated && admitted === 'deliver') await d.ordering.ended(delivery, gated.endpoint, 'succeeded', signal);
        return;
      }
      const end = await d.deliverer.deliver(delivery, message.headers, signal);
      if (gated && admitted === 'deliver') await d.ordering.ended(delivery, gated.endpoint, end, signal);
    });
}
