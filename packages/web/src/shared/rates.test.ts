import { describe, expect, it } from 'vitest';
import { ratesBetween } from './rates.ts';

describe('ratesBetween', () => {
  it('divides the growth of each counter by the seconds between the samples', () => {
    const a = { at: 1000, counters: { sent: 10, failed: 4 } };
    const b = { at: 6000, counters: { sent: 60, failed: 4, fresh: 3 } };
    expect(ratesBetween(a, b)).toEqual({ sent: 10, failed: 0, fresh: null });
  });
  it('has no rate for a first sample, a reset counter or no elapsed time', () => {
    expect(ratesBetween(undefined, { at: 1, counters: { x: 5 } })).toEqual({ x: null });
    expect(ratesBetween({ at: 0, counters: { x: 5 } }, { at: 1000, counters: { x: 1 } })).toEqual({ x: null });
    expect(ratesBetween({ at: 1000, counters: { x: 5 } }, { at: 1000, counters: { x: 9 } })).toEqual({ x: null });
  });
});
