import { describe, expect, it } from 'vitest';
import { durationLabel, JITTER, longestRetryWaitMs, parseRetryAfter, retryDelay, retryDueAt, tierFor, tiersOf, withJitter } from './retry-policy.ts';

const DEFAULT = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 50_400_000, 72_000_000, 86_400_000];

describe('retry schedule', () => {
  it('labels tiers by their delay', () => {
    expect(tiersOf(DEFAULT).map((t) => t.label)).toEqual(['5s', '5m', '30m', '2h', '5h', '10h', '14h', '20h', '1d']);
    expect(tiersOf([200, 200, 1_500, 100]).map((t) => t.label)).toEqual(['100ms', '200ms', '1500ms']);
    expect(durationLabel(90_000)).toBe('90s');
  });

  it('the default schedule spans about three days', () => {
    const total = DEFAULT.reduce((a, b) => a + b, 0);
    expect(total / 86_400_000).toBeGreaterThan(2.9);
    expect(total / 86_400_000).toBeLessThan(3.2);
  });

  it('jitter stays within ±20 % for any random value, and covers the range', () => {
    for (let i = 0; i <= 1_000; i++) {
      const d = withJitter(10_000, i / 1_001);
      expect(d).toBeGreaterThanOrEqual(10_000 * (1 - JITTER));
      expect(d).toBeLessThanOrEqual(10_000 * (1 + JITTER));
    }
    expect(withJitter(10_000, 0)).toBe(8_000);
    expect(withJitter(10_000, 0.999_999)).toBe(12_000);
  });

  it('delays follow the schedule in order, each within ±20 % of its step', () => {
    for (const random of [0, 0.25, 0.5, 0.75, 0.999]) {
      const delays = DEFAULT.map((_, i) => retryDelay(DEFAULT, i + 1, { random })!);
      expect([...delays].sort((a, b) => a - b)).toEqual(delays);
      delays.forEach((d, i) => {
        expect(d).toBeGreaterThanOrEqual(DEFAULT[i]! * 0.8);
        expect(d).toBeLessThanOrEqual(DEFAULT[i]! * 1.2);
      });
    }
    // The first steps are far enough apart that no jitter reorders them.
    for (let n = 1; n <= 5; n++) expect(retryDelay(DEFAULT, n + 1, { random: 0 })!).toBeGreaterThan(retryDelay(DEFAULT, n, { random: 0.999 })!);
    expect(retryDelay(DEFAULT, DEFAULT.length + 1, { random: 0.5 })).toBeNull();
  });

  it('Retry-After is honoured and capped at the longest step', () => {
    expect(retryDelay([1_000, 5_000], 1, { random: 0.5, retryAfterMs: 3_000 })).toBe(3_000);
    expect(retryDelay([1_000, 5_000], 1, { random: 0.5, retryAfterMs: 60_000 })).toBe(5_000);
    expect(retryDelay([1_000, 5_000], 1, { random: 0.5, retryAfterMs: 10 })).toBe(1_000);
  });

  it('parses Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
  });

  it('a wait goes to the tier nearest to it on a log scale', () => {
    const tiers = tiersOf([1_000, 10_000, 60_000]);
    expect(tierFor(tiers, 500).label).toBe('1s');
    expect(tierFor(tiers, 1_000).label).toBe('1s');
    expect(tierFor(tiers, 3_000).label).toBe('1s'); // below √(1 s × 10 s) ≈ 3.16 s
    expect(tierFor(tiers, 3_500).label).toBe('10s');
    expect(tierFor(tiers, 24_000).label).toBe('10s'); // below √(10 s × 60 s) ≈ 24.5 s
    expect(tierFor(tiers, 59_999).label).toBe('1m');
    expect(tierFor(tiers, 3_600_000).label).toBe('1m');
  });

  it('jittered steps of the default schedule stay in their own tier (a 5 min retry never waits in the 5 s tier)', () => {
    const tiers = tiersOf(DEFAULT);
    const gap = (a: number, b: number) => Math.abs(Math.log(a / b));
    for (const [i, step] of DEFAULT.entries()) {
      for (const random of [0, 0.5, 0.999_999]) {
        const delay = retryDelay(DEFAULT, i + 1, { random })!;
        const tier = tierFor(tiers, delay);
        // Steps at least 2.25× apart (5 s … 5 h) never cross into a neighbour; closer ones (10 h, 14 h) may.
        if (step <= 18_000_000) expect(tier.delayMs).toBe(step);
        for (const other of tiers) expect(gap(delay, tier.delayMs)).toBeLessThanOrEqual(gap(delay, other.delayMs));
      }
    }
    // The breaker's longest wait (30 s) stays in the 5 s tier; a 60 s wait goes to the 5 min one.
    expect(tierFor(tiers, 30_000).label).toBe('5s');
    expect(tierFor(tiers, 60_000).label).toBe('5m');
  });
});

describe('when a retry tier record is due', () => {
  const produced = 1_700_000_000_000;
  const cap = longestRetryWaitMs([1_000, 2_000]);

  it('the longest wait is the longest step with its jitter', () => {
    expect(cap).toBe(2_400);
  });

  it('follows a numeric hookline-not-before header, else the value, else at once', () => {
    expect(retryDueAt(String(produced + 500), undefined, produced, cap)).toBe(produced + 500);
    expect(retryDueAt('soon', new Date(produced + 700).toISOString(), produced, cap)).toBe(produced + 700);
    expect(retryDueAt(' 12 ', undefined, produced, cap)).toBeNull();
    expect(retryDueAt('-5', undefined, produced, cap)).toBeNull();
    expect(retryDueAt(undefined, undefined, produced, cap)).toBeNull();
  });

  it('never later than the longest wait after the record was produced (a forged header cannot stall a partition)', () => {
    expect(retryDueAt('9'.repeat(15), undefined, produced, cap)).toBe(produced + cap);
    expect(retryDueAt('9'.repeat(30), undefined, produced, cap)).toBeNull(); // not a time at all: at once
    expect(retryDueAt(String(produced + 10 * 365 * 86_400_000), undefined, produced, cap)).toBe(produced + cap);
    expect(retryDueAt(undefined, '2999-01-01T00:00:00Z', produced, cap)).toBe(produced + cap);
  });
});
