import { z } from 'zod';

/** Event type names: letters, digits and `_ . : -`, 1–128 characters. */
export const eventTypeName = z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'must match ^[A-Za-z0-9_.:-]{1,128}$');

/** Caller-supplied ids: printable, no whitespace, at most 128 characters. */
export const externalId = z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'must match ^[A-Za-z0-9_.:-]{1,128}$');

/**
 * Ids on records (tenant, endpoint, event, delivery, attempt ids): the same alphabet and bound as caller-supplied
 * ids, so a record naming something with U+0000, control characters or 70 KB can never reach PostgreSQL (which
 * refuses U+0000 and cannot index keys past ~2.7 KB) and stall a consumer: it goes to the invalid topic instead.
 */
export const recordId = externalId;

const isoTimestamp = z.iso.datetime({ offset: true });

/**
 * Headers an event asks to be forwarded with its webhooks (e.g. a provider's `x-github-event` on an inbound source's
 * events): lower-case names, at most 32 of 1,000 characters. They never replace the webhook's own headers.
 */
export const forwardedHeaders = z
  .record(z.string().regex(/^[a-z0-9-]{1,64}$/, 'must be a lower-case header name'), z.string().max(1_000))
  .refine((h) => Object.keys(h).length <= 32, 'at most 32 headers');

/**
 * An event's metadata (as Hookdeck Outpost's events have): string values under short keys, at most 32 of 1,000
 * characters — what content filters match on besides `type` and `data` (`metadata.region`), kept with the event
 * and shown in its history, not sent to endpoints (`headers` is what an event asks to forward).
 */
export const eventMetadata = z
  .record(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must match ^[A-Za-z0-9_-]{1,64}$'), z.string().max(1_000))
  .refine((m) => Object.keys(m).length <= 32, 'at most 32 keys');

/**
 * An event's ordering key: endpoints with `ordering: "key"` receive the events of one key one at a time, in publish
 * order. Any non-empty string of at most 256 characters.
 */
export const orderingKey = z.string().min(1, 'must not be empty').max(256, 'at most 256 characters');

/**
 * The value of a record on the events topic (JSON). Producers that publish straight to Kafka send at least
 * `{tenantId, type, data}`; `id` is optional (derived from the record's position when absent) and `createdAt`
 * defaults to the record timestamp. The record key is optional; ingest uses the event id (a tenant's events spread
 * over the partitions: delivery order is not guaranteed, as with Svix and Convoy). A W3C `traceparent`
 * header joins the producer's trace.
 */
export const eventRecord = z.object({
  tenantId: recordId,
  type: eventTypeName,
  data: z.record(z.string(), z.unknown()),
  id: externalId.optional(),
  createdAt: isoTimestamp.optional(),
  /** When set, the event goes to this endpoint only (endpoint tests, replays). */
  endpointId: recordId.optional(),
  /**
   * The application (the sender's customer) whose endpoints receive the event: its id or its uid. Absent: the
   * tenant's default application.
   */
  application: externalId.optional(),
  /** Headers to forward with the event's webhooks (below the endpoint's own and the protocol's). */
  headers: forwardedHeaders.optional(),
  /** String metadata content filters can match (`metadata.<key>`); kept with the event, not forwarded. */
  metadata: eventMetadata.optional(),
  /** Events of one key reach an ordered endpoint one at a time, in the order they were published. */
  orderingKey: orderingKey.optional(),
});
export type EventRecord = z.infer<typeof eventRecord>;

/** One delivery of one event to one endpoint, keyed by endpoint id on the deliveries and retry topics. */
export const deliveryRecord = z.object({
  deliveryId: recordId,
  eventId: recordId,
  tenantId: recordId,
  endpointId: recordId,
  /** The endpoint's application (absent on records produced before applications existed). */
  applicationId: recordId.optional(),
  type: eventTypeName,
  data: z.record(z.string(), z.unknown()),
  eventCreatedAt: isoTimestamp,
  /** Attempts already made (0 on the first try). */
  attempt: z.number().int().min(0),
  /** The event's headers to forward (inbound sources). */
  headers: forwardedHeaders.optional(),
  /** Earliest time of the next attempt (retry tiers wait for it). */
  notBefore: isoTimestamp.optional(),
  /** The event's ordering key (an endpoint with `ordering: "key"` delivers one key's events one at a time, in order). */
  orderingKey: orderingKey.optional(),
});
export type DeliveryRecord = z.infer<typeof deliveryRecord>;

export const attemptOutcome = z.enum([
  'succeeded',
  'http_error',
  'timeout',
  'network_error',
  'ssrf_blocked',
  'circuit_open',
  'gone',
]);
export type AttemptOutcome = z.infer<typeof attemptOutcome>;

export const deliveryStatus = z.enum(['pending', 'retrying', 'succeeded', 'failed', 'dead']);
export type DeliveryStatus = z.infer<typeof deliveryStatus>;

/** The outcome of one delivery attempt, published to the attempts topic for the tracker. */
export const attemptRecord = z.object({
  attemptId: recordId,
  deliveryId: recordId,
  eventId: recordId,
  tenantId: recordId,
  endpointId: recordId,
  applicationId: recordId.optional(),
  /** 1 for the first attempt. */
  attempt: z.number().int().min(1),
  outcome: attemptOutcome,
  /** The delivery's status after this attempt. */
  status: deliveryStatus,
  statusCode: z.number().int().nullable(),
  durationMs: z.number().int().min(0),
  error: z.string().nullable(),
  /** The first 4 KiB of the response body. */
  responseBody: z.string().nullable(),
  /** Request headers as sent, without signatures or secrets. */
  requestHeaders: z.record(z.string(), z.string()),
  url: z.string(),
  startedAt: isoTimestamp,
  nextAttemptAt: isoTimestamp.nullable(),
});
export type AttemptRecord = z.infer<typeof attemptRecord>;

export const operationalEventType = z.enum(['endpoint.disabled', 'endpoint.recovered', 'delivery.exhausted']);
export type OperationalEventType = z.infer<typeof operationalEventType>;

/**
 * An operational event on the operational topic (keyed by endpoint id): an endpoint was disabled (`reason`
 * `gone`, `failing`), recovered (first success after failures), or a delivery went dead.
 */
export const operationalEventRecord = z.object({
  id: z.string().min(1),
  type: operationalEventType,
  tenantId: z.string().min(1),
  endpointId: z.string().min(1),
  timestamp: isoTimestamp,
  data: z.record(z.string(), z.unknown()),
});
export type OperationalEventRecord = z.infer<typeof operationalEventRecord>;
