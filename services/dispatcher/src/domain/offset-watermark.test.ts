import { describe, expect, it } from 'vitest';
import { endpointHealthCases } from './test-cases.ts';
import { healthAfter } from './endpoint-health.ts';
import { OffsetWatermark } from './offset-watermark.ts';
import { TokenBucket } from './token-bucket.ts';

describe('OffsetWatermark', () => {
  it('commits only up to the lowest unfinished offset', () => {
    const w = new OffsetWatermark();
    expect(w.committable()).toBeNull();
    for (const o of [10n, 11n, 12n, 13n]) w.start(o);
    w.finish(11n);
    w.finish(13n);
    expect(w.committable()).toBe(10n);
    w.finish(10n);
    expect(w.committable()).toBe(12n);
    w.committed(12n);
    expect(w.committable()).toBeNull();
    w.finish(12n);
    expect(w.committable()).toBe(14n);
    expect(w.inFlight).toBe(0);
    expect(w.seen(13n)).toBe(true);
    expect(w.seen(14n)).toBe(false);
  });
});

describe('TokenBucket (injected clock)', () => {
  it('allows a burst of the rate, then one token per 1/rate seconds', () => {
    let now = 0;
    const b = new TokenBucket(5, () => now);
    expect([1, 2, 3, 4, 5].map(() => b.tryTake())).toEqual([0, 0, 0, 0, 0]);
    expect(b.tryTake()).toBe(200);
    now += 100;
    expect(b.tryTake()).toBe(100);
    now += 100;
    expect(b.tryTake()).toBe(0);
    now += 10_000;
    expect([1, 2, 3, 4, 5, 6].map(() => b.tryTake()).filter((w) => w === 0)).toHaveLength(5);
  });
});

describe('healthAfter', () => {
  it.each(endpointHealthCases)('%s', (_name, state, succeeded, now, expected) => {
    expect(healthAfter(state, succeeded, now, 1_000)).toEqual(expected);
  });
});
