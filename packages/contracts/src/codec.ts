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
 * Deepest nesting of objects and arrays in a record value, the same bound as an HTTP request body's. JSON.parse
 * takes any depth, but JSON.stringify (producing a delivery, the webhook body, the tracker's row) and PostgreSQL's
 * jsonb give up past a few thousand levels: such a record would fail its handler on every retry and stall its
 * partition. It goes to the invalid topic instead.
 */
export const MAX_RECORD_DEPTH = 64;

/** The path of the first object or array nested deeper than `max` levels, without recursion; undefined if none. */
function deeperThan(value: unknown, max: number): string | undefined {
  const stack: Array<{ value: unknown; path: string[] }> = [{ value, path: [] }];
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (item.value === null || typeof item.value !== 'object') continue;
    if (item.path.length >= max) return item.path.slice(0, 8).join('.') + (item.path.length > 8 ? '…' : '');
    for (const [key, child] of Object.entries(item.value)) stack.push({ value: child, path: [...item.path, key] });
  }
  return undefined;
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
  const deep = deeperThan(json, MAX_RECORD_DEPTH);
  if (deep !== undefined) return { ok: false, reason: `${deep}: nests deeper than ${MAX_RECORD_DEPTH} levels` };
  const result = schema.safeParse(json);
  if (!result.success) {
    const reason = result.error.issues.map((i) => `${i.path.join('.') || '(value)'}: ${i.message}`).join('; ');
    return { ok: false, reason: reason.slice(0, 1_000) };
  }
  return { ok: true, value: result.data };
}
