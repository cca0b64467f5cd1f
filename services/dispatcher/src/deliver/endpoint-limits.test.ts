import { describe, expect, it } from 'vitest';
import { EndpointLimits, MAX_QUEUE_WAIT_MS, MAX_QUEUED_PER_ENDPOINT } from './endpoint-limits.ts';

describe('EndpointLimits', () => {
  it('caps requests in flight per endpoint; waiters get the slot in order', async () => {
    const limits = new EndpointLimits();
    const a = await limits.admit('ep', { maxConcurrency: 2, rateLimitPerSecond: null });
    const b = await limits.admit('ep', { maxConcurrency: 2, rateLimitPerSecond: null });
    const other = await limits.admit('other', { maxConcurrency: 2, rateLimitPerSecond: null });
    expect([a.ok, b.ok, other.ok]).toEqual([true, true, true]);
    let third = false;
    const c = limits.admit('ep', { maxConcurrency: 2, rateLimitPerSecond: null }).then((x) => ((third = true), x));
    await Promise.resolve();
    expect(third).toBe(false);
    if (a.ok) a.release();
    expect((await c).ok).toBe(true);
  });

  it('hands deliveries to the retry path when too many wait', async () => {
    const limits = new EndpointLimits({ now: () => 0 });
    await limits.admit('ep', { maxConcurrency: 1, rateLimitPerSecond: null });
    for (let i = 0; i < MAX_QUEUED_PER_ENDPOINT; i++) void limits.admit('ep', { maxConcurrency: 1, rateLimitPerSecond: null });
    expect(await limits.admit('ep', { maxConcurrency: 1, rateLimitPerSecond: null })).toEqual({ ok: false, retryInMs: 1_000, reason: 'concurrency' });
  });

  it('keeps few deliveries waiting for a slow endpoint and many for a fast one (expected wait, injected clock)', async () => {
    let now = 0;
    const limits = new EndpointLimits({ now: () => now });
    const conc = { maxConcurrency: 2, rateLimitPerSecond: null };
    // Slow: requests hold their slot for 25 s; with 2 slots one more waiter would wait 12.5 s.
    const held = [await limits.admit('slow', conc), await limits.admit('slow', conc)];
    now += 25_000;
    for (const h of held) if (h.ok) h.release();
    const again = [await limits.admit('slow', conc), await limits.admit('slow', conc)];
    expect(again.every((a) => a.ok)).toBe(true);
    const refused = await limits.admit('slow', conc);
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.retryInMs).toBeGreaterThan(MAX_QUEUE_WAIT_MS);
    // Fast: 2 ms holds; hundreds may wait in memory.
    const fast = [await limits.admit('fast', conc), await limits.admit('fast', conc)];
    now += 2;
    for (const f of fast) if (f.ok) f.release();
    await limits.admit('fast', conc);
    await limits.admit('fast', conc);
    let queued = 0;
    for (let i = 0; i < 500; i++) {
      const p = limits.admit('fast', conc);
      const first = await Promise.race([p, Promise.resolve('waiting' as const)]);
      if (first === 'waiting') queued++;
    }
    expect(queued).toBe(500);
  });

  it('rate limits with a token bucket: short waits in memory, long ones re-queued (injected clock)', async () => {
    let now = 0;
    const slept: number[] = [];
    const limits = new EndpointLimits({ now: () => now, sleep: async (ms) => void (slept.push(ms), (now += ms)) });
    const admit = () => limits.admit('ep', { maxConcurrency: 100, rateLimitPerSecond: 2 });
    const results = [];
    for (let i = 0; i < 4; i++) {
      const r = await admit();
      results.push(r.ok);
      if (r.ok) r.release();
    }
    expect(results).toEqual([true, true, true, true]);
    expect(slept).toEqual([500, 500]);
    const slow = new EndpointLimits({ now: () => now, sleep: async () => {} });
    const rate = { maxConcurrency: 100, rateLimitPerSecond: 0.5 };
    expect((await slow.admit('ep', rate)).ok).toBe(true);
    expect(await slow.admit('ep', rate)).toEqual({ ok: false, retryInMs: 2_000, reason: 'rate_limit' });
  });
});
