import { createColors } from 'picocolors';
import { formatRecord, formatTable, type Column } from './table.ts';

/** Where a command writes: data to stdout (a table for people, JSON with --json), messages to stderr. */
export interface Output {
  readonly json: boolean;
  /** True when stdout is a terminal (progress bars redraw in place only then). */
  readonly interactive: boolean;
  readonly colors: ReturnType<typeof createColors>;
  /** Writes a line to stdout. */
  line(text: string): void;
  /** Writes a line to stderr (hints and notes: never parsed by scripts). */
  note(text: string): void;
  /** Writes raw text to stdout. */
  write(text: string): void;
  /** Prints a value: as JSON with --json, else as `human` says. */
  result(value: unknown, human: () => string): void;
}

export interface OutputOptions {
  json: boolean;
  color: boolean;
  stdout: NodeJS.WriteStream | { write(s: string): unknown; isTTY?: boolean };
  stderr: { write(s: string): unknown };
  env: Record<string, string | undefined>;
}

/** Colours only on a terminal, never with NO_COLOR (any non-empty value), --no-color or --json. */
export function useColor(opts: Pick<OutputOptions, 'json' | 'color' | 'stdout' | 'env'>): boolean {
  if (opts.json || !opts.color) return false;
  if (opts.env.NO_COLOR) return false;
  if (opts.env.FORCE_COLOR && opts.env.FORCE_COLOR !== '0') return true;
  return opts.stdout.isTTY === true && opts.env.TERM !== 'dumb';
}

export function createOutput(opts: OutputOptions): Output {
  const colors = createColors(useColor(opts));
  return {
    json: opts.json,
    interactive: opts.stdout.isTTY === true,
    colors,
    line: (text) => void opts.stdout.write(`${text}\n`),
    note: (text) => void opts.stderr.write(`${text}\n`),
    write: (text) => void opts.stdout.write(text),
    result(value, human) {
      if (opts.json) opts.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
      else opts.stdout.write(`${human()}\n`);
    },
  };
}

/** A table with a bold header (when colours are on). */
export function table<T>(out: Output, rows: readonly T[], columns: ReadonlyArray<Column<T>>): string {
  if (rows.length === 0) return out.colors.dim('(none)');
  return formatTable(rows, columns, { header: out.colors.bold });
}

/** An object as aligned key/value lines. */
export function record(out: Output, value: Record<string, unknown>): string {
  return formatRecord(value, { key: out.colors.bold });
}

/** Colours a delivery status or job status for people. */
export function paintStatus(out: Output, status: string, text = status): string {
  const c = out.colors;
  if (['succeeded', 'completed', 'closed', 'ok', 'valid'].includes(status)) return c.green(text);
  if (['failed', 'dead', 'open'].includes(status)) return c.red(text);
  if (['retrying', 'pending', 'running', 'half_open'].includes(status)) return c.yellow(text);
  return text;
}
