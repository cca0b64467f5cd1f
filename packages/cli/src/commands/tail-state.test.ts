import { describe, expect, it } from 'vitest';
import { TailState } from './tail-state.ts';

const ev = (id: string, at: string) => ({ id, type: 't', createdAt: `2026-11-29T12:00:${at}.000Z`, data: {} });
const d = (endpointId: string, status: string, attempts: number) => ({ endpointId, status, attempts, lastStatusCode: null, nextAttemptAt: null });

describe('events tail: what is new and what changed', () => {
  const opts = { start: '2026-11-29T12:00:00.000Z', lookbackMs: 10_000, noDeliveryMs: 5_000, maxWatchMs: 60_000 };

  it('shows each event once, oldest first, and moves the list window behind the newest', () => {
    const s = new TailState(opts);
    expect(s.after).toBe('2026-11-29T12:00:00.000Z');
    expect(s.newEvents([ev('b', '30'), ev('a', '20')], 0).map((e) => e.id)).toEqual(['a', 'b']);
    expect(s.newEvents([ev('c', '31'), ev('b', '30'), ev('a', '20')], 0).map((e) => e.id)).toEqual(['c']);
    expect(s.after).toBe('2026-11-29T12:00:21.000Z');
  });

  it('reports a delivery when its status or attempts change, and stops watching settled events', () => {
    const s = new TailState(opts);
    s.newEvents([ev('a', '01')], 0);
    expect(s.deliveries('a', [d('ep1', 'pending', 0)], 100)).toHaveLength(1);
    expect(s.deliveries('a', [d('ep1', 'pending', 0)], 200)).toHaveLength(0);
    expect(s.deliveries('a', [d('ep1', 'retrying', 1), d('ep2', 'succeeded', 1)], 300)).toHaveLength(2);
    expect(s.watching(10)).toEqual(['a']);
    expect(s.deliveries('a', [d('ep1', 'dead', 2), d('ep2', 'succeeded', 1)], 400)).toEqual([d('ep1', 'dead', 2)]);
    expect(s.watchedCount).toBe(0);
  });

  it('gives up on events no endpoint wanted, and on events watched too long', () => {
    const s = new TailState(opts);
    s.newEvents([ev('a', '01'), ev('b', '02')], 0);
    s.deliveries('a', [], 4_999);
    expect(s.watching(10)).toEqual(['a', 'b']);
    s.deliveries('a', [], 5_000);
    s.deliveries('b', [d('ep', 'retrying', 3)], 60_000);
    expect(s.watchedCount).toBe(0);
  });
});
