/** A column of a table: its heading and how to get a cell from a row. */
export interface Column<T> {
  header: string;
  value: (row: T) => unknown;
  /** Colours the cell after padding (so escape codes never count as width). */
  paint?: (text: string, row: T) => string;
}

/** The longest a cell is shown before it is cut with "…" (the full value is in --json). */
export const MAX_CELL = 60;

// eslint-disable-next-line no-control-regex
const ansi = /\u001b\[[0-9;]*m/g;

/** The width of a string on a terminal, ignoring colour codes (one column per code point). */
export const displayWidth = (s: string): number => [...s.replace(ansi, '')].length;

/** How a value reads in a table cell: dates and nulls shown plainly, objects as compact JSON, one line. */
export function cellText(value: unknown, max = MAX_CELL): string {
  let text: string;
  if (value === null || value === undefined || value === '') text = '-';
  else if (typeof value === 'string') text = value;
  else if (typeof value === 'number' || typeof value === 'boolean') text = String(value);
  else if (Array.isArray(value) && value.every((v) => typeof v === 'string')) text = value.length ? value.join(',') : '-';
  else text = JSON.stringify(value);
  text = text.replace(/[\r\n\t]+/g, ' ');
  const chars = [...text];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : text;
}

/** Formats rows as an aligned table with a header line; columns are separated by two spaces. */
export function formatTable<T>(rows: readonly T[], columns: ReadonlyArray<Column<T>>, opts: { header?: (s: string) => string } = {}): string {
  const cells = rows.map((row) => columns.map((c) => cellText(c.value(row))));
  const widths = columns.map((c, i) => Math.max(displayWidth(c.header), ...cells.map((r) => displayWidth(r[i]!))));
  const pad = (s: string, i: number) => (i === columns.length - 1 ? s : s + ' '.repeat(widths[i]! - displayWidth(s)));
  const headerLine = columns.map((c, i) => pad(c.header, i)).join('  ');
  const lines = [opts.header ? opts.header(headerLine) : headerLine];
  rows.forEach((row, r) => {
    lines.push(
      columns
        .map((c, i) => {
          const padded = pad(cells[r]![i]!, i);
          return c.paint ? c.paint(padded, row) : padded;
        })
        .join('  ')
        .trimEnd(),
    );
  });
  return lines.join('\n');
}

/** Formats one object as "key  value" lines, keys aligned (for `get` commands). */
export function formatRecord(record: Record<string, unknown>, opts: { key?: (s: string) => string; max?: number } = {}): string {
  const keys = Object.keys(record);
  const width = Math.max(0, ...keys.map((k) => k.length));
  return keys
    .map((k) => {
      const key = k.padEnd(width);
      return `${opts.key ? opts.key(key) : key}  ${cellText(record[k], opts.max ?? 200)}`;
    })
    .join('\n');
}
