import { describe, expect, it } from 'vitest';
import { formatLogLine } from './pretty-log.ts';

const plain = { colour: false };

describe('formatLogLine', () => {
  it('shows time, level, message and the fields of the line, not the ones every line has', () => {
    const line = JSON.stringify({ level: 30, time: '2026-11-29T11:51:05.017Z', service: 'tracker', pid: 1, port: 8082, msg: 'tracker running' });
    const out = formatLogLine(line, plain);
    expect(out).toMatch(/^\d\d:\d\d:\d\d\.017 INFO {2}tracker running port=8082$/);
    expect(out).not.toContain('service=');
  });

  it('quotes strings with spaces, writes objects as JSON and cuts long values', () => {
    const out = formatLogLine(JSON.stringify({ level: 40, time: 0, msg: 'm', reason: 'two words', list: ['a', 'b'], long: 'x'.repeat(500) }), plain);
    expect(out).toContain('WARN ');
    expect(out).toContain('reason="two words"');
    expect(out).toContain('list=["a","b"]');
    expect(out).toMatch(/long=x{159}…/);
  });

  it('writes an error as its type and message on the same line', () => {
    const out = formatLogLine(JSON.stringify({ level: 50, time: 0, msg: 'failed', err: { type: 'Error', message: 'boom', stack: 'Error: boom\n  at x' } }), plain);
    expect(out).toContain('ERROR failed err="Error: boom"');
    expect(out.split('\n')).toHaveLength(1);
  });

  it('colours the level unless asked not to', () => {
    const line = JSON.stringify({ level: 50, time: 0, msg: 'm' });
    expect(formatLogLine(line, { colour: true })).toContain('\x1b[31mERROR\x1b[0m');
    expect(formatLogLine(line, plain)).not.toContain('\x1b[');
  });

  it('leaves lines that are not pino JSON as they are', () => {
    for (const line of ['(node:1) Warning: something', '{"not":"pino"}', '[1,2]', '']) expect(formatLogLine(line, plain)).toBe(line);
  });
});
