import { UsageError } from '../errors.ts';

const units: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A duration like `500ms`, `30s`, `15m`, `2h`, `7d` in milliseconds. */
export function parseDuration(text: string, what = 'duration'): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text.trim());
  if (!m) throw new UsageError(`${what} "${text}" must be a duration like 30s, 15m, 2h or 7d`);
  return Math.round(Number(m[1]) * units[m[2]!]!);
}

/** A length of time in whole seconds: a number of seconds (`3600`) or a duration (`90m`, `2h`, `7d`). */
export function parseSeconds(text: string, what = 'duration'): number {
  if (/^\d+$/.test(text.trim())) return Number(text.trim());
  const ms = parseDuration(text, what);
  if (ms % 1_000 !== 0) throw new UsageError(`${what} "${text}" must be whole seconds`);
  return ms / 1_000;
}

/**
 * A point in time for --since/--until/--after/--before: an ISO 8601 timestamp (with offset or Z), a date
 * (`2026-11-29`, UTC midnight), or a duration ago (`15m`, `2h`, `7d`). Returns ISO 8601 UTC.
 */
export function parseTime(text: string, now: Date = new Date(), what = 'time'): string {
  const t = text.trim();
  if (/^\d+(?:\.\d+)?(ms|s|m|h|d)$/.test(t)) return new Date(now.getTime() - parseDuration(t, what)).toISOString();
  if (/^\d{4}-\d{2}-\d{2}$/.test(t)) {
    const d = new Date(`${t}T00:00:00Z`);
    if (!Number.isNaN(d.getTime())) return d.toISOString();
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(t)) {
    const d = new Date(t);
    if (!Number.isNaN(d.getTime())) return d.toISOString();
  }
  throw new UsageError(`${what} "${text}" must be an ISO 8601 time with offset (2026-11-29T12:00:00Z), a date or a duration ago (15m, 2h, 7d)`);
}

/** A whole number within bounds. */
export function parseInteger(text: string, what: string, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): number {
  if (!/^-?\d+$/.test(text.trim())) throw new UsageError(`${what} "${text}" must be a whole number`);
  const n = Number(text);
  if (n < min || n > max) throw new UsageError(`${what} must be between ${min} and ${max}, got ${n}`);
  return n;
}

/** `name=value` (a header or metadata entry); the value may contain `=`. */
export function parseKeyValue(text: string, what: string): [string, string] {
  const i = text.indexOf('=');
  if (i <= 0) throw new UsageError(`${what} "${text}" must be name=value`);
  return [text.slice(0, i).trim(), text.slice(i + 1)];
}

/** JSON text that must be an object (event data, metadata, a schema). `source` names it in the error. */
export function parseJsonObject(text: string, source: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${source} is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UsageError(`${source} must be a JSON object`);
  return value as Record<string, unknown>;
}

/** A comma-separated list, blanks dropped. */
export const parseList = (text: string): string[] =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** Appends repeated option values (commander's collector). */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
