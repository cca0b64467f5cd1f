import { orderingKey } from './envelopes.ts';

/**
 * The ordering key of a record of the events topic or a source topic: the `hookline-ordering-key` header, else the
 * JSON envelope's `orderingKey`, else — on a source topic only, whose producers key records their own way — the
 * record key. Ingest keys the events topic by event id, so there the record key is never an ordering key. A key
 * that is empty or longer than 256 characters is ignored (the event is delivered unordered).
 */
export function orderingKeyOf(record: {
  header: string | undefined;
  envelope: string | undefined;
  recordKey: Buffer | string | null | undefined;
  fromSourceTopic: boolean;
}): string | undefined {
  const key = record.fromSourceTopic && record.recordKey ? record.recordKey.toString() : undefined;
  for (const candidate of [record.header, record.envelope, key]) {
    if (candidate !== undefined && orderingKey.safeParse(candidate).success) return candidate;
  }
  return undefined;
}
