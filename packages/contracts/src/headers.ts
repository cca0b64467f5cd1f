/** Kafka record header names. Trace context uses the W3C names so any OpenTelemetry client joins the trace. */
export const recordHeaders = {
  traceparent: 'traceparent',
  tracestate: 'tracestate',
  /** Why a record was routed to the invalid topic. */
  invalidReason: 'hookline-invalid-reason',
  /** Topic, partition and offset the invalid record came from (`topic/partition/offset`). */
  invalidSource: 'hookline-invalid-source',
  /** On retry tier records: unix milliseconds before which the delivery must not be attempted. */
  notBefore: 'hookline-not-before',
  /** On dead-letter records: why the delivery died (e.g. `retries exhausted: http_error 500`). */
  deadReason: 'hookline-dead-reason',
  /**
   * Routing of a registry-framed event record (Avro, JSON Schema or Protobuf, magic byte 0 + schema id): the
   * tenant, the event type, and optionally the event id and the application (id or uid). A JSON envelope carries
   * these in its value instead.
   */
  tenantId: 'hookline-tenant-id',
  type: 'hookline-type',
  eventId: 'hookline-event-id',
  application: 'hookline-application',
  /** A registry-framed event's metadata: a JSON object of strings (the JSON envelope's `metadata`). */
  metadata: 'hookline-metadata',
  /**
   * An event's ordering key, for producers writing to the events topic or a source topic (registry-framed or JSON):
   * it wins over the JSON envelope's `orderingKey`, which wins over the record key (source topics only).
   */
  orderingKey: 'hookline-ordering-key',
  /**
   * On a delivery record an ordered endpoint's key produced again when the delivery before it ended: the delivery is
   * its key's head (the dispatcher's ordered delivery; the value is `1`).
   */
  orderingReleased: 'hookline-ordering-released',
} as const;

/** Standard Webhooks HTTP header names on outbound deliveries. */
export const webhookHeaders = {
  id: 'webhook-id',
  timestamp: 'webhook-timestamp',
  signature: 'webhook-signature',
} as const;
