import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.ts';
import { endpointBody } from '../commands/endpoint-body.ts';
import { batches, parseEventsText } from '../commands/publish-input.ts';
import { parseDuration, parseInteger, parseSeconds, parseJsonObject, parseKeyValue, parseList, parseTime } from './values.ts';

describe('argument values', () => {
  const now = new Date('2026-11-29T12:00:00.000Z');

  it('reads durations and times: ISO with offset, a date, or a duration ago', () => {
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('1.5s')).toBe(1_500);
    expect(parseDuration('2h')).toBe(7_200_000);
    expect(parseTime('15m', now)).toBe('2026-11-29T11:45:00.000Z');
    expect(parseTime('1d', now)).toBe('2026-11-28T12:00:00.000Z');
    expect(parseTime('2026-11-01', now)).toBe('2026-11-01T00:00:00.000Z');
    expect(parseTime('2026-11-29T13:00:00+01:00', now)).toBe('2026-11-29T12:00:00.000Z');
    for (const bad of ['yesterday', '2026-11-29T12:00:00', '15', '2026-13-45', '-5m']) expect(() => parseTime(bad, now)).toThrow(UsageError);
    expect(() => parseDuration('5 minutes')).toThrow(/duration like 30s/);
  });

  it('reads a length in seconds: a number of seconds or a duration', () => {
    expect(parseSeconds('3600')).toBe(3_600);
    expect(parseSeconds('2h')).toBe(7_200);
    expect(parseSeconds('90s')).toBe(90);
    expect(() => parseSeconds('500ms', '--expires-in')).toThrow(/--expires-in "500ms" must be whole seconds/);
    expect(() => parseSeconds('soon')).toThrow(UsageError);
  });

  it('reads integers within bounds, name=value pairs, lists and JSON objects', () => {
    expect(parseInteger('250', '--limit', 1, 250)).toBe(250);
    expect(() => parseInteger('251', '--limit', 1, 250)).toThrow(/between 1 and 250/);
    expect(() => parseInteger('1.5', '--limit')).toThrow(/whole number/);
    expect(parseKeyValue('X-Token=a=b', '--header')).toEqual(['X-Token', 'a=b']);
    expect(() => parseKeyValue('=x', '--header')).toThrow(/name=value/);
    expect(parseList(' a, b,,c ')).toEqual(['a', 'b', 'c']);
    expect(parseJsonObject('{"a":1}', '--data')).toEqual({ a: 1 });
    expect(() => parseJsonObject('[1]', '--data')).toThrow(/must be a JSON object/);
    expect(() => parseJsonObject('{a', '--data')).toThrow(/not valid JSON/);
  });

  it('builds endpoint bodies from flags: only what was given; update needs a field', () => {
    expect(endpointBody({ url: 'https://x', eventTypes: 'a.b, c.d', header: ['X-A=1'], rateLimit: '5', timeout: '2000', disabled: true }, 'create')).toEqual({
      url: 'https://x',
      eventTypes: ['a.b', 'c.d'],
      headers: { 'X-A': '1' },
      rateLimitPerSecond: 5,
      timeoutMs: 2_000,
      disabled: true,
    });
    expect(endpointBody({ rateLimit: 'none', enable: true }, 'update')).toEqual({ rateLimitPerSecond: null, disabled: false });
    expect(endpointBody({ eventTypes: '' }, 'update')).toEqual({ eventTypes: [] });
    expect(() => endpointBody({}, 'update')).toThrow(/nothing to update/);
    expect(() => endpointBody({ disable: true, enable: true }, 'update')).toThrow(/contradict/);
  });

  it('reads events from a file: one event, an array, {events}, or NDJSON with line numbers in errors', () => {
    expect(parseEventsText('{"type":"a.b","data":{}}', 'f')).toEqual({ events: [{ type: 'a.b', data: {} }], single: true });
    expect(parseEventsText('[{"type":"a"},{"type":"b"}]', 'f')).toEqual({ events: [{ type: 'a' }, { type: 'b' }], single: false });
    expect(parseEventsText('{"events":[{"type":"a"}]}', 'f')).toEqual({ events: [{ type: 'a' }], single: false });
    expect(parseEventsText('{"type":"a"}\n\n{"type":"b"}\r\n', 'f')).toEqual({ events: [{ type: 'a' }, { type: 'b' }], single: false });
    expect(() => parseEventsText('{"type":"a"}\n{oops', 'events.ndjson')).toThrow('events.ndjson line 2 is not JSON');
    expect(() => parseEventsText('  \n', 'f')).toThrow(/no event/);
    expect(batches([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
  });
});
