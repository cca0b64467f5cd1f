import { z } from 'zod';

/** `?limit=&cursor=` of every list route. */
export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(250).default(50).describe('Items per page (1–250).'),
  cursor: z.string().max(500).optional().describe('Opaque cursor from the previous page\'s nextCursor.'),
});

/** Decodes an opaque cursor into the sort key it carries (undefined when absent or malformed). */
export function decodeCursor(cursor: string | undefined): string | undefined {
  if (!cursor) return undefined;
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  return text.length > 0 ? text : undefined;
}

/** `{data, nextCursor}`: a next cursor only when the page is full. */
export function page<T>(items: T[], limit: number, keyOf: (item: T) => string): { data: T[]; nextCursor: string | null } {
  const last = items.at(-1);
  return { data: items, nextCursor: items.length === limit && last !== undefined ? Buffer.from(keyOf(last)).toString('base64url') : null };
}

/** A page response schema for the OpenAPI document. */
export const pageOf = <S extends z.ZodType>(item: S) => z.object({ data: z.array(item), nextCursor: z.string().nullable() });
