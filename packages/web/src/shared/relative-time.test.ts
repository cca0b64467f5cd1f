import { describe, expect, it } from 'vitest';
import { relativeTime } from './relative-time.ts';

describe('relativeTime', () => {
  const now = Date.parse('2026-01-10T12:00:00Z');
  it('says how long ago, rounded down to the largest unit', () => {
    expect(relativeTime('2026-01-10T11:59:58Z', now)).toBe('just now');
    expect(relativeTime('2026-01-10T11:59:30Z', now)).toBe('30 s ago');
    expect(relativeTime('2026-01-10T11:57:00Z', now)).toBe('3 min ago');
    expect(relativeTime('2026-01-10T09:10:00Z', now)).toBe('2 h ago');
    expect(relativeTime('2026-01-05T12:00:00Z', now)).toBe('5 d ago');
    expect(relativeTime('2024-01-05T12:00:00Z', now)).toBe('2 y ago');
  });
  it('says "in" for the future and leaves what is not a time alone', () => {
    expect(relativeTime('2026-01-10T12:02:00Z', now)).toBe('in 2 min');
    expect(relativeTime('soon', now)).toBe('soon');
  });
});
