import { createHash } from 'node:crypto';
import { findUnstorable } from '../storable-json.ts';

/** What a body becomes: the parsed JSON object, or the raw body with its content type. */
export type InboundData = Record<string, unknown>;

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\b/i;
const TEXT_TYPE = /^(?:text\/|application\/(?:x-www-form-urlencoded|xml|[\w.+-]+\+xml)\b)/i;

/** The parsed JSON value of a JSON body (undefined when it is not JSON). */
export function parseJson(body: Buffer, contentType: string | undefined): unknown {
  if (body.length === 0) return undefined;
  // Providers do not always say JSON (Shopify and GitHub do; some senders send text/plain): a body that parses is JSON.
  if (contentType && !JSON_TYPE.test(contentType) && !/^text\/plain\b/i.test(contentType)) return undefined;
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * The event's `data`: a JSON object body as it is; anything else as `{contentType, json}` (a JSON array or
 * scalar), `{contentType, text}` (text, forms, XML, valid UTF-8) or `{contentType, base64}` (other bytes). JSON that
 * PostgreSQL could not store (U+0000, nesting deeper than 64) is kept as `{contentType, base64}` too.
 */
export function inboundData(body: Buffer, contentType: string | undefined, json: unknown): InboundData {
  const type = contentType ?? 'application/octet-stream';
  if (json !== undefined && findUnstorable(json) !== undefined) return { contentType: type, base64: body.toString('base64') };
  if (json !== null && typeof json === 'object' && !Array.isArray(json)) return json as Record<string, unknown>;
  if (json !== undefined) return { contentType: type, json };
  const text = body.toString('utf8');
  const isText = Buffer.from(text, 'utf8').equals(body) && !text.includes('\u0000');
  if (isText && (TEXT_TYPE.test(type) || JSON_TYPE.test(type) || contentType === undefined)) return { contentType: type, text };
  return { contentType: type, base64: body.toString('base64') };
}

/**
 * An event type name from what a provider sent: characters outside `[A-Za-z0-9_.:-]` become `.`
 * (Shopify's `orders/create` is `orders.create`), at most 128 characters; undefined when nothing is left.
 */
export function eventTypeFrom(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const name = raw.replace(/[^A-Za-z0-9_.:-]/g, '.').slice(0, 128);
  return /[A-Za-z0-9]/.test(name) ? name : undefined;
}

/**
 * The event id of a provider's delivery: the same for every retry of it (so a retry is the same event, answered as
 * the first and published once), different across sources.
 */
export function inboundEventId(sourceId: string, deliveryId: string): string {
  return `evt_in_${createHash('sha256').update(`${sourceId}\u0000${deliveryId}`).digest('hex').slice(0, 40)}`;
}
