import type { z } from 'zod';

/** The result of decoding a record: the value, or why it is invalid (for the invalid topic's reason header). */
export type Decoded<T> = { ok: true; value: T } | { ok: false; reason: string };

/**
 * Encodes a value of the topic's schema as JSON. The schema types the value at compile time and is not run
 * again here (it has no transforms or defaults, so parsing would only repeat the check at a cost per record on
 * the hot path); consumers validate every record they read with {@link decodeRecord}.
 */
export function encodeRecord<S extends z.ZodType>(_schema: S, value: z.input<S>): Buffer {
  return Buffer.from(JSON.stringify(value));
}

/**
 * Deepest nesting of objects and arrays in a record value and in an HTTP request body. JSON.parse takes any depth,
 * but JSON.stringify (producing a delivery, the webhook body, the tracker's row) and PostgreSQL's jsonb give up past a
 * few thousand levels: such a record would fail its handler on every retry and stall its partition. It goes to the
 * invalid topic instead (an HTTP body gets a 422).
 */
export const MAX_JSON_DEPTH = 64;

/**
 * Whether JSON text nests objects and arrays deeper than `max`: one pass over the characters (brackets inside strings
 * do not count), no allocation — it runs on every record every consumer reads.
 */
export function jsonDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // a backslash escapes the next character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/** Refuses malformed UTF-8 instead of replacing it with U+FFFD, which would change the data silently. */
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Decodes and validates a record value; never throws. */
export function decodeRecord<S extends z.ZodType>(schema: S, value: Buffer | null): Decoded<z.output<S>> {
  if (value === null || value.length === 0) return { ok: false, reason: 'empty record value' };
  let text: string;
  try {
    text = utf8.decode(value);
  } catch {
    return { ok: false, reason: 'value is not UTF-8' };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, reason: `value is not JSON: ${(err as Error).message}` };
  }
  if (jsonDeeperThan(text, MAX_JSON_DEPTH)) return { ok: false, reason: `value nests deeper than ${MAX_JSON_DEPTH} levels` };
  const result = schema.safeParse(json);
  if (!result.success) {
    const reason = result.error.issues.map((i) => `${i.path.join('.') || '(value)'}: ${i.message}`).join('; ');
    return { ok: false, reason: reason.slice(0, 1_000) };
  }
  return { ok: true, value: result.data };
}
