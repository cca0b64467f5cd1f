import { describe, expect, it } from 'vitest';
import { backoffMs } from './backoff.ts';

describe('backoffMs', () => {
  it('doubles its ceiling from baseMs up to maxMs', () => {
    const top = (attempt: number) => backoffMs(attempt, { baseMs: 100, maxMs: 5_000, random: () => 1 });
    expect([0, 1, 2, 3, 4, 5, 6, 40].map(top)).toEqual([100, 200, 400, 800, 1_600, 3_200, 5_000, 5_000]);
  });

  it('draws the wait below the ceiling (full jitter), at least 1 ms', () => {
    expect(backoffMs(3, { baseMs: 100, maxMs: 5_000, random: () => 0.5 })).toBe(400);
    expect(backoffMs(3, { baseMs: 100, maxMs: 5_000, random: () => 0 })).toBe(1);
    for (let i = 0; i < 100; i++) {
      const wait = backoffMs(i % 8, { baseMs: 100, maxMs: 5_000 });
      expect(wait).toBeGreaterThanOrEqual(1);
      expect(wait).toBeLessThanOrEqual(5_000);
    }
  });
});
