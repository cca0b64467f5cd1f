/** How a pino JSON line is shown to a person: `LOG_FORMAT=pretty`. */
export interface PrettyOptions {
  /** ANSI colours (off when `NO_COLOR` is set). */
  colour: boolean;
}

const LEVELS: Record<number, { name: string; colour: string }> = {
  10: { name: 'TRACE', colour: '\x1b[90m' },
  20: { name: 'DEBUG', colour: '\x1b[90m' },
  30: { name: 'INFO ', colour: '\x1b[32m' },
  40: { name: 'WARN ', colour: '\x1b[33m' },
  50: { name: 'ERROR', colour: '\x1b[31m' },
  60: { name: 'FATAL', colour: '\x1b[41m' },
};
const DIM = '\x1b[2m';
const BOLD = '\x1b[1m';
const RESET = '\x1b[0m';

/** Fields every line has, or that the line shows in its own place: never repeated as key=value. */
const SHOWN = new Set(['level', 'time', 'msg', 'service', 'pid', 'hostname', 'logger', 'timestamp', 'span_id']);
/** A longer value is cut: one line per event, never a screenful. */
const MAX_VALUE_CHARS = 160;

function value(v: unknown): string {
  const text = typeof v === 'string' ? (/[\s="]/.test(v) || v === '' ? JSON.stringify(v) : v) : JSON.stringify(v);
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text;
}

function errorText(err: unknown): string {
  if (err && typeof err === 'object') {
    const { type, message, code } = err as { type?: unknown; message?: unknown; code?: unknown };
    const head = [type, code].filter((x) => typeof x === 'string' && x !== '').join(' ');
    return value(`${head ? `${head}: ` : ''}${String(message ?? '')}`);
  }
  return value(err);
}

/** `HH:MM:SS.mmm` in local time, from pino's ISO time or epoch milliseconds. */
function clock(time: unknown): string {
  const date = typeof time === 'string' || typeof time === 'number' ? new Date(time) : new Date();
  if (Number.isNaN(date.getTime())) return String(time);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

/**
 * Turns one pino JSON line into one human line: time, level, message, then the line's own fields as `key=value`
 * (errors as `err=Type: message`). A line that is not pino JSON is returned as it is.
 */
export function formatLogLine(line: string, opts: PrettyOptions): string {
  let entry: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(line);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed) || typeof (parsed as { level?: unknown }).level !== 'number') return line;
    entry = parsed as Record<string, unknown>;
  } catch {
    return line;
  }
  const level = LEVELS[entry.level as number] ?? { name: String(entry.level).padEnd(5), colour: '' };
  const paint = (colour: string, text: string) => (opts.colour && colour ? `${colour}${text}${RESET}` : text);
  const fields: string[] = [];
  if (typeof entry.kafkajs === 'string') fields.push(paint(DIM, `kafkajs.${entry.kafkajs}`));
  for (const [key, v] of Object.entries(entry)) {
    if (SHOWN.has(key) || key === 'kafkajs' || v === undefined) continue;
    const text = key === 'err' ? errorText(v) : value(v);
    fields.push(`${paint(DIM, `${key}=`)}${text}`);
  }
  const msg = typeof entry.msg === 'string' ? entry.msg : '';
  return [paint(DIM, clock(entry.time)), paint(level.colour, level.name), paint(entry.level as number >= 40 ? BOLD : '', msg), ...fields]
    .filter((part) => part !== '')
    .join(' ');
}
