import { describe, expect, it } from 'vitest';
import { TokenBuckets } from './token-buckets.ts';

describe('TokenBuckets (injected clock)', () => {
  it('allows a burst, then refills at the rate, per key', () => {
    let now = 0;
    const buckets = new TokenBuckets({ ratePerSecond: 10, burst: 5, clock: () => now });
    for (let i = 0; i < 5; i++) expect(buckets.take('a').ok).toBe(true);
    const refused = buckets.take('a');
    expect(refused).toEqual({ ok: false, retryAfterMs: 100 });
    expect(buckets.take('b').ok).toBe(true);
    now = 100;
    expect(buckets.take('a').ok).toBe(true);
    expect(buckets.take('a').ok).toBe(false);
  });

  it('takes several tokens at once or none', () => {
    let now = 0;
    const buckets = new TokenBuckets({ ratePerSecond: 100, burst: 100, clock: () => now });
    expect(buckets.take('a', 60).ok).toBe(true);
    expect(buckets.take('a', 60)).toEqual({ ok: false, retryAfterMs: 200 });
    now = 200;
    expect(buckets.take('a', 60).ok).toBe(true);
  });

  it("takes a key's own rate: a burst of the rate, then one token per 1/rate seconds (the dispatcher's endpoint limit)", () => {
    let now = 0;
    const buckets = new TokenBuckets({ ratePerSecond: 1, burst: 1, clock: () => now });
    const rate = { ratePerSecond: 5, burst: 5 };
    const wait = () => {
      const r = buckets.take('ep', 1, rate);
      return r.ok ? 0 : r.retryAfterMs;
    };
    expect([1, 2, 3, 4, 5].map(wait)).toEqual([0, 0, 0, 0, 0]);
    expect(wait()).toBe(200);
    now += 100;
    expect(wait()).toBe(100);
    now += 100;
    expect(wait()).toBe(0);
    now += 10_000;
    expect([1, 2, 3, 4, 5, 6].map(wait).filter((w) => w === 0)).toHaveLength(5);
    // Another key keeps the constructor's rate.
    expect(buckets.take('other').ok).toBe(true);
    expect(buckets.take('other')).toEqual({ ok: false, retryAfterMs: 1_000 });
  });

  it('keeps the tokens held when a key changes its rate, capped at the new burst', () => {
    let now = 0;
    const buckets = new TokenBuckets({ ratePerSecond: 1, burst: 1, clock: () => now });
    expect(buckets.take('ep', 4, { ratePerSecond: 10, burst: 10 }).ok).toBe(true);
    expect(buckets.take('ep', 3, { ratePerSecond: 2, burst: 2 })).toEqual({ ok: false, retryAfterMs: 500 });
    now = 1_000;
    expect(buckets.take('ep', 2, { ratePerSecond: 2, burst: 2 }).ok).toBe(true);
  });

  it('forgets keys that are full again once many are held, answering as before', () => {
    let now = 0;
    const buckets = new TokenBuckets({ ratePerSecond: 1, burst: 2, clock: () => now });
    for (let i = 0; i <= 10_000; i++) buckets.take(`k${i}`);
    now = 5_000;
    buckets.take('trigger');
    expect(buckets.take('k0', 2).ok).toBe(true);
    expect(buckets.take('k0').ok).toBe(false);
  });
});
