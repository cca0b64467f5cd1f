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
  const result = schema.safeParse(json);
  if (!result.success) {
    const reason = result.error.issues.map((i) => `${i.path.join('.') || '(value)'}: ${i.message}`).join('; ');
    return { ok: false, reason: reason.slice(0, 1_000) };
  }
  return { ok: true, value: result.data };
}
