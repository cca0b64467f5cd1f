import { UsageError } from '../errors.ts';

/** An event as POST /v1/events takes it. */
export interface EventInput {
  type: string;
  data: Record<string, unknown>;
  id?: string;
}

/** The most events POST /v1/events/batch takes at once. */
export const BATCH_LIMIT = 1_000;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reads events from a file's text: one JSON event `{type, data, id?}`, a JSON array of events, `{events: [...]}`,
 * or NDJSON (one event per line, blank lines skipped). Shapes are left to the API to check (it names every
 * problem); only what is not JSON at all is refused here, with its line number.
 */
export function parseEventsText(text: string, source: string): { events: unknown[]; single: boolean } {
  const trimmed = text.trim();
  if (trimmed === '') throw new UsageError(`${source} holds no event`);
  try {
    const whole: unknown = JSON.parse(trimmed);
    if (Array.isArray(whole)) return { events: whole, single: false };
    if (isObject(whole) && Array.isArray(whole.events) && !('type' in whole)) return { events: whole.events, single: false };
    return { events: [whole], single: true };
  } catch {
    // Not one JSON document: NDJSON.
  }
  const events: unknown[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      events.push(JSON.parse(line));
    } catch (err) {
      throw new UsageError(`${source} line ${i + 1} is not JSON: ${(err as Error).message}`);
    }
  });
  return { events, single: false };
}

/** Splits events into batches the API accepts. */
export function batches<T>(events: readonly T[], size = BATCH_LIMIT): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < events.length; i += size) out.push(events.slice(i, i + size));
  return out;
}
