import { decodeRecord, deliveryRecord, type TopicNames } from '@hookline/contracts';
import { processTraced, sendToInvalid } from '@hookline/kafka';
import type { Logger } from '@hookline/telemetry';
import type { KafkaMessage, Producer } from 'kafkajs';
import type { DispatcherMetrics } from '../metrics/dispatcher-metrics.ts';
import type { Deliverer } from './deliverer.ts';
import type { PipelineOptions, RecordContext } from './partition-pipeline.ts';
import type { SucceededCheck } from './succeeded-check.ts';

export interface DeliveryHandlerDeps {
  producer: Producer;
  deliverer: Deliverer;
  /** Whether the tracker already recorded a delivery as succeeded (asked only for records that may be repeats). */
  succeeded: SucceededCheck;
  metrics?: DispatcherMetrics;
  topics: TopicNames;
  log: Logger;
}

/**
 * Handles one delivery record, from the deliveries topic or a retry tier, inside its `process` CONSUMER span: an
 * undecodable record goes to the invalid topic with the reason; a record that may be a repeat (`mayBeRepeat`) is
 * skipped once the tracker recorded its delivery as succeeded; the rest is delivered.
 */
export function deliveryHandler(d: DeliveryHandlerDeps, mayBeRepeat: (context: RecordContext) => boolean): PipelineOptions['handle'] {
  return (topic: string, partition: number, message: KafkaMessage, signal: AbortSignal, context: RecordContext) =>
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
      if (mayBeRepeat(context) && (await d.succeeded.succeeded(decoded.value.deliveryId))) {
        span.setAttribute('hookline.skipped', 'already_succeeded');
        d.metrics?.skipped('already_succeeded');
        return;
      }
      await d.deliverer.deliver(decoded.value, message.headers, signal);
    });
}
