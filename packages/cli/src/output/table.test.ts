import { describe, expect, it } from 'vitest';
import { progressLine } from './progress-bar.ts';
import { cellText, displayWidth, formatRecord, formatTable } from './table.ts';
import { useColor } from './output.ts';

describe('table formatting', () => {
  it('aligns columns on the widest cell, header first, no trailing spaces', () => {
    const rows = [
      { id: 'ep_1', url: 'https://a.example/x', n: 3 },
      { id: 'ep_22', url: 'https://b.example', n: null },
    ];
    const text = formatTable(rows, [
      { header: 'ID', value: (r) => r.id },
      { header: 'URL', value: (r) => r.url },
      { header: 'N', value: (r) => r.n },
    ]);
    expect(text.split('\n')).toEqual(['ID     URL                  N', 'ep_1   https://a.example/x  3', 'ep_22  https://b.example    -']);
  });

  it('ignores colour codes when measuring, and paints after padding', () => {
    const text = formatTable([{ s: 'dead' }, { s: 'succeeded' }], [
      { header: 'STATUS', value: (r) => r.s, paint: (t) => `\u001b[31m${t}\u001b[39m` },
      { header: 'X', value: () => 'x' },
    ]);
    // eslint-disable-next-line no-control-regex
    const lines = text.split('\n').map((l) => l.replace(/\u001b\[\d+m/g, ''));
    expect(lines).toEqual(['STATUS     X', 'dead       x', 'succeeded  x']);
    expect(displayWidth('\u001b[1mab\u001b[22m')).toBe(2);
  });

  it('shows cells on one line, cut with … past the limit; arrays of strings joined, objects as JSON', () => {
    expect(cellText('a\nb\tc')).toBe('a b c');
    expect(cellText('x'.repeat(100), 10)).toBe(`${'x'.repeat(9)}…`);
    expect(cellText(['a', 'b'])).toBe('a,b');
    expect(cellText([])).toBe('-');
    expect(cellText({ a: 1 })).toBe('{"a":1}');
    expect(cellText(false)).toBe('false');
    expect(cellText('')).toBe('-');
  });

  it('formats a record as aligned key/value lines', () => {
    expect(formatRecord({ id: 'ep_1', description: '', disabled: false })).toBe('id           ep_1\ndescription  -\ndisabled     false');
  });

  it('draws a progress bar from requeued + missing over total', () => {
    expect(progressLine({ total: 10, requeued: 3, missing: 1, status: 'running' }, 10)).toBe('[####------]  40%  4/10 (3 requeued, 1 missing)  running');
    expect(progressLine({ total: 0, requeued: 0, missing: 0, status: 'completed' }, 4)).toBe('[####] 100%  0/0 (0 requeued, 0 missing)  completed');
  });

  it('uses colours only on a terminal, never with NO_COLOR, --no-color or --json', () => {
    const tty = { isTTY: true, write: () => true };
    expect(useColor({ json: false, color: true, stdout: tty, env: {} })).toBe(true);
    expect(useColor({ json: false, color: true, stdout: tty, env: { NO_COLOR: '1' } })).toBe(false);
    expect(useColor({ json: true, color: true, stdout: tty, env: {} })).toBe(false);
    expect(useColor({ json: false, color: false, stdout: tty, env: {} })).toBe(false);
    expect(useColor({ json: false, color: true, stdout: { write: () => true }, env: {} })).toBe(false);
  });
});
