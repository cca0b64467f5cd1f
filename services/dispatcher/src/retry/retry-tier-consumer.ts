import { decodeRecord, deliveryRecord, recordHeaders } from '@hookline/contracts';
import { headerString, paceFetches, QUIET_FETCHES } from '@hookline/kafka';
import type { Consumer, KafkaMessage } from 'kafkajs';
import { deliveryHandler, type DeliveryHandlerDeps } from '../deliver/delivery-handler.ts';
import { PartitionPipeline } from '../deliver/partition-pipeline.ts';
import { retryFetchWaitMs } from '../domain/retry-fetch-pace.ts';
import { retryDueAt } from '../domain/retry-policy.ts';

export interface RetryTierConsumerDeps extends DeliveryHandlerDeps {
  /** Consumer of every retry tier topic (group `<prefix>.deliver.retry`). */
  consumer: Consumer;
  retryTopics: string[];
  partitionsConcurrently: number;
  maxInFlight: number;
  /** The longest a retry record may wait after it was produced (`longestRetryWaitMs` of the schedule). */
  longestRetryWaitMs: number;
  now?: () => number;
}

/**
 * The retry tiers (one topic per delay): each record is delivered again once due. A partition pauses until its head
 * record is due (`hookline-not-before`), so nothing waits in memory; records behind it in the same tier are due no
 * earlier. A retry record may have been produced twice (a hand-off retried), so each is skipped once its delivery
 * succeeded. Undecodable records go to the invalid topic with the reason. The broker holds each fetch until a retry
 * record arrives or the earliest paused head is due ({@link RETRY_FETCH_WAITS}).
 */
export function createRetryTierConsumer(d: RetryTierConsumerDeps): PartitionPipeline {
  const pipeline = new PartitionPipeline({
    name: 'retry consumer',
    consumer: d.consumer,
    topics: d.retryTopics,
    log: d.log,
    maxInFlight: d.maxInFlight,
    partitionsConcurrently: d.partitionsConcurrently,
    handle: deliveryHandler(d, () => true),
    dueAt: (m) => dueAt(m, d.longestRetryWaitMs),
    ...(d.now ? { now: d.now } : {}),
  });
  const now = d.now ?? Date.now;
  paceFetches(d.consumer, () => ({ minBytes: 1, maxWaitTimeInMs: retryFetchWaitMs({ nextResumeAt: pipeline.nextResumeAt, now: now() }, RETRY_FETCH_WAITS) }), { quiet: QUIET_FETCHES });
  return pipeline;
}

/**
 * An idle dispatcher fetches its retry tiers (every tier's partitions) once a second instead of twice (issue 19: the
 * idle stack's cost), and a paused head is fetched 50 ms after it is due (at least 100 ms after the fetch began)
 * instead of up to half a second after. Not longer than 1 s: the broker answers a consumer's requests one at a time,
 * so its heartbeats, commits and leaving the group at stop wait behind a held fetch (1 s, as the other consumers'),
 * until the consumer is quiet (`QUIET_FETCHES`: 10 s without a record and no head paused; then 3 s).
 */
export const RETRY_FETCH_WAITS = { idleWaitMs: 1_000, minWaitMs: 100, resumeMarginMs: 50 } as const;

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
