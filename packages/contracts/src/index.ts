export { decodeRecord, encodeRecord, jsonDeeperThan, MAX_JSON_DEPTH, type Decoded } from './codec.ts';
export {
  attemptOutcome,
  attemptRecord,
  deliveryRecord,
  deliveryStatus,
  eventMetadata,
  eventRecord,
  eventTypeName,
  operationalEventRecord,
  operationalEventType,
  orderingKey,
  externalId,
  type AttemptOutcome,
  type AttemptRecord,
  type DeliveryRecord,
  type DeliveryStatus,
  type EventRecord,
  type OperationalEventRecord,
  type OperationalEventType,
} from './envelopes.ts';
export { recordHeaders, webhookHeaders } from './headers.ts';
export { orderingKeyOf } from './ordering-key.ts';
export { histogramQuantile, LATENCY_BUCKETS_MS, latencyBucket, mergeHistograms } from './latency-histogram.ts';
export { deliveryIdFor, eventIdForRecord, newId, randomHex, uuidv7Hex } from './ids.ts';
export { isSentAttempt, SKIPPED_OUTCOMES } from './sent-attempt.ts';
export { TokenBuckets, type TokenRate } from './token-buckets.ts';
export { groupIds, topicNames, type GroupIds, type TopicNames } from './topics.ts';
export { backoffMs } from './backoff.ts';
export { HooklineError, type FailureStage, type HooklineErrorOptions } from './errors.ts';
export {
  compileFilter,
  filterProblem,
  FILTER_FIELDS,
  FILTER_LIMITS,
  type EventMatcher,
  type FilterableEvent,
  type FilterCompiled,
  type FilterProblem,
} from './filter/event-filter.ts';
