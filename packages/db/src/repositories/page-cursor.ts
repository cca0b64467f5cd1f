/**
 * Opaque keyset cursors over (created_at, id). The timestamp travels as microseconds since the epoch, read from
 * PostgreSQL as text, so no precision is lost between pages.
 */
export interface Keyset {
  createdUs: string;
  id: string;
}

export function encodeCursor(k: Keyset): string {
  return Buffer.from(JSON.stringify([k.createdUs, k.id])).toString('base64url');
}

/** The keyset of a cursor, or null when it is not one of ours (the API answers 400/422 for that). */
export function decodeCursor(cursor: string): Keyset | null {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && /^-?\d{1,20}$/.test(v[0]) && typeof v[1] === 'string') {
      return { createdUs: v[0], id: v[1] };
    }
  } catch {
    // not base64url JSON
  }
  return null;
}

/** SQL for a timestamptz column as the cursor's microseconds (text). */
export const usOf = (column: string) => `((extract(epoch FROM ${column}) * 1000000)::bigint)::text`;
/** SQL turning a microseconds parameter back into a timestamptz, exactly. */
export const tsOfUs = (param: string) => `(timestamptz 'epoch' + (${param})::bigint * interval '1 microsecond')`;

/** A page of results and the cursor of the next page (null on the last page). */
export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/** Splits `limit + 1` fetched rows into a page. */
export function toPage<R extends { cursor_us: string; id: string }, T>(rows: R[], limit: number, map: (r: R) => T): Page<T> {
  const more = rows.length > limit;
  const kept = more ? rows.slice(0, limit) : rows;
  const last = kept[kept.length - 1];
  return { data: kept.map(map), nextCursor: more && last ? encodeCursor({ createdUs: last.cursor_us, id: last.id }) : null };
}
