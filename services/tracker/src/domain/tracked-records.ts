import {
  attemptRecord,
  decodeRecord,
  deliveryRecord,
  eventIdForRecord,
  eventRecord,
  type AttemptRecord,
  type Decoded,
  type EventRecord,
} from '@hookline/contracts';

/** An event as the tracker stores it. */
export interface TrackedEvent {
  id: string;
  tenantId: string;
  type: string;
  payload: Record<string, unknown>;
  endpointId: string | null;
  /** The application as the producer named it (id or uid; null: the tenant's default). Resolved when written. */
  application: string | null;
  /** Headers the event forwards with its webhooks (kept for replays). */
  headers: Record<string, string> | null;
  /** The event's metadata (what content filters matched besides the payload). */
  metadata: Record<string, string> | null;
  createdAt: string;
  kafkaPartition: number;
  kafkaOffset: string;
  traceparent: string | null;
}

/** A delivery as fan-out announced it (status pending until an attempt says otherwise). */
export interface TrackedDelivery {
  id: string;
  eventId: string;
  tenantId: string;
  endpointId: string;
  applicationId: string | null;
  eventType: string;
  eventCreatedAt: string;
  /** The record's timestamp: when fan-out produced it. */
  createdAt: string;
}

/** Where a consumed record sits, and what came with it. */
export interface RecordPosition {
  topic: string;
  partition: number;
  offset: string;
  /** Kafka record timestamp, milliseconds since the epoch as a string (kafkajs' form). */
  timestamp: string;
  traceparent?: string | undefined;
}

const isoFromKafkaTimestamp = (ts: string): string => new Date(Number(ts)).toISOString();

/** W3C trace context level 1: version 00, 32 and 16 lowercase hex digits, two flag digits. */
const TRACEPARENT = /^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

/**
 * The `traceparent` header worth storing: a well-formed one, else none. Headers are the producer's free text; a
 * garbage one (U+0000, kilobytes) must not make a valid event unwritable.
 */
export function storedTraceparent(header: string | undefined): string | null {
  const value = header?.trim();
  return value !== undefined && TRACEPARENT.test(value) ? value : null;
}

/**
 * Decodes an events-topic record (a JSON envelope) the way fan-out does: see {@link trackedEvent}.
 */
export function decodeEvent(value: Buffer | null, at: RecordPosition): Decoded<TrackedEvent> {
  const decoded = decodeRecord(eventRecord, value);
  return decoded.ok ? { ok: true, value: trackedEvent(decoded.value, at) } : decoded;
}

/**
 * An event (from a JSON envelope or a decoded registry-framed record) as the tracker stores it: the event id is the
 * record's own `id`, or derived from its position, so the tracker's row and the dispatcher's deliveries name the
 * same event.
 */
export function trackedEvent(e: EventRecord, at: RecordPosition): TrackedEvent {
  return {
    id: e.id ?? eventIdForRecord(at.topic, at.partition, at.offset),
    tenantId: e.tenantId,
    type: e.type,
    payload: stripNul(e.data),
    endpointId: e.endpointId ?? null,
    application: e.application ?? null,
    headers: e.headers ? stripNul(e.headers) : null,
    metadata: e.metadata ? stripNul(e.metadata) : null,
    createdAt: e.createdAt ?? isoFromKafkaTimestamp(at.timestamp),
    kafkaPartition: at.partition,
    kafkaOffset: at.offset,
    traceparent: storedTraceparent(at.traceparent),
  };
}

export function decodeDelivery(value: Buffer | null, at: RecordPosition): Decoded<TrackedDelivery> {
  const decoded = decodeRecord(deliveryRecord, value);
  if (!decoded.ok) return decoded;
  const d = decoded.value;
  return {
    ok: true,
    value: {
      id: d.deliveryId,
      eventId: d.eventId,
      tenantId: d.tenantId,
      endpointId: d.endpointId,
      applicationId: d.applicationId ?? null,
      eventType: d.type,
      eventCreatedAt: d.eventCreatedAt,
      createdAt: isoFromKafkaTimestamp(at.timestamp),
    },
  };
}

export function decodeAttempt(value: Buffer | null): Decoded<AttemptRecord> {
  const decoded = decodeRecord(attemptRecord, value);
  return decoded.ok ? { ok: true, value: stripNul(decoded.value) } : decoded;
}

/**
 * PostgreSQL text and jsonb cannot hold U+0000, which a receiver's binary response body easily contains, and jsonb
 * refuses a lone surrogate (`"\ud800"`, valid JSON that any producer may write); a record carrying either would be
 * refused and its event or attempt left unrecorded though it was delivered. Both are replaced by U+FFFD everywhere.
 */
export function stripNul<T>(value: T): T {
  if (typeof value === 'string') {
    const text = value.includes('\u0000') ? value.replaceAll('\u0000', '\uFFFD') : value;
    return (text.isWellFormed() ? text : text.toWellFormed()) as T;
  }
  if (Array.isArray(value)) return value.map((v) => stripNul(v)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[stripNul(k)] = stripNul(v);
    return out as T;
  }
  return value;
}
