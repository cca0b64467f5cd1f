import { SCHEMA_NAME_SELECTOR, type TopicRouting } from '@hookline/config';
import { eventRecord, recordHeaders, type Decoded, type EventRecord } from '@hookline/contracts';
import type { DecodedFrame } from './framed-decoder.ts';

/** Record headers as kafkajs delivers them. */
export type RecordHeaders = Record<string, Buffer | string | Array<Buffer | string> | undefined>;

const header = (headers: RecordHeaders | undefined, name: string): string | undefined => {
  const value = headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  const text = first?.toString();
  return text === undefined || text === '' ? undefined : text;
};

/** The value a selector names in a decoded frame (undefined when absent or not a string or integer). */
function select(selector: string, frame: DecodedFrame): string | undefined {
  if (selector === SCHEMA_NAME_SELECTOR) return frame.schemaName;
  if (!selector.startsWith('$.')) return selector;
  let at: unknown = frame.data;
  for (const key of selector.slice(2).split('.')) {
    if (at === null || typeof at !== 'object' || Array.isArray(at)) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  if (typeof at === 'string') return at;
  return typeof at === 'number' && Number.isInteger(at) ? String(at) : undefined;
}

const FIELDS = [
  ['tenantId', recordHeaders.tenantId],
  ['type', recordHeaders.type],
  ['id', recordHeaders.eventId],
  ['application', recordHeaders.application],
] as const;

/**
 * The event a decoded registry-framed record stands for. Each routing value comes from its `hookline-*` header when
 * the record has one, else from the topic's mapping (`SOURCE_TOPIC_MAPPING`); tenant and type are required. The
 * result passes the same checks as a JSON envelope (id alphabet, type name, `data` an object), so a framed record
 * and an HTTP publish of the same data become the same event.
 */
export function routeFrame(topic: string, frame: DecodedFrame, headers: RecordHeaders | undefined, routing: TopicRouting | undefined): Decoded<EventRecord> {
  const values: Partial<Record<(typeof FIELDS)[number][0], string>> = {};
  const missing: string[] = [];
  for (const [field, name] of FIELDS) {
    const selector = routing?.[field];
    const value = header(headers, name) ?? (selector === undefined ? undefined : select(selector, frame));
    if (value !== undefined) values[field] = value;
    else if (field === 'tenantId' || field === 'type') {
      missing.push(selector === undefined ? `${field} (no ${name} header and no mapping for topic ${topic})` : `${field} (no ${name} header and the mapping's "${selector}" is absent from the record)`);
    }
  }
  if (missing.length > 0) return { ok: false, reason: `HKL_REGISTRY_NO_ROUTING: a registry-framed record (schema ${frame.schemaId}) without ${missing.join(', ')}` };
  if (frame.data === null || typeof frame.data !== 'object' || Array.isArray(frame.data)) {
    return { ok: false, reason: `HKL_REGISTRY_UNDECODABLE: schema ${frame.schemaId} decodes to ${Array.isArray(frame.data) ? 'an array' : typeof frame.data}; an event's data must be an object` };
  }
  const metadataHeader = header(headers, recordHeaders.metadata);
  let metadata: unknown;
  if (metadataHeader !== undefined) {
    try {
      metadata = JSON.parse(metadataHeader);
    } catch {
      return { ok: false, reason: `${recordHeaders.metadata}: not JSON (a JSON object of strings is expected)` };
    }
  }
  const parsed = eventRecord.safeParse({ ...values, data: frame.data, ...(metadata === undefined ? {} : { metadata }) });
  if (!parsed.success) {
    return { ok: false, reason: parsed.error.issues.map((i) => `${i.path.join('.') || '(value)'}: ${i.message}`).join('; ').slice(0, 1_000) };
  }
  return { ok: true, value: parsed.data };
}
