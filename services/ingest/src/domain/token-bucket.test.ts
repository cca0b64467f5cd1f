import { describe, expect, it } from 'vitest';
import { TokenBuckets } from './token-bucket.ts';

describe('TokenBuckets', () => {
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
});
