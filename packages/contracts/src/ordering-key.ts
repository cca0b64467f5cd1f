import { orderingKey } from './envelopes.ts';

/**
 * The ordering key of a record of the events topic or a source topic: the `hookline-ordering-key` header, else the
 * JSON envelope's `orderingKey`, else the record key — unless the record key is just the event's own id, as ingest
 * keys the events it publishes without an ordering key (a producer keying by event id asks for no order either).
 * A key that is empty or longer than 256 characters is ignored (the event is delivered unordered).
 */
export function orderingKeyOf(record: {
  header: string | undefined;
  envelope: string | undefined;
  recordKey: Buffer | string | null | undefined;
  /** The event's id as its producer gave it (envelope `id`, or the `hookline-event-id` header); undefined: none. */
  eventId: string | undefined;
}): string | undefined {
  const recordKey = record.recordKey ? record.recordKey.toString() : undefined;
  const key = recordKey !== undefined && recordKey !== record.eventId ? recordKey : undefined;
  for (const candidate of [record.header, record.envelope, key]) {
    if (candidate !== undefined && orderingKey.safeParse(candidate).success) return candidate;
  }
  return undefined;
}
