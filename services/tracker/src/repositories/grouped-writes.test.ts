import { describe, expect, it } from 'vitest';
import type { AttemptRecord } from '@hookline/contracts';
import type { TrackedDelivery, TrackedEvent } from '../domain/tracked-records.ts';
import type { TrackingStore } from '../domain/tracking-store.ts';
import { GroupedWrites } from './grouped-writes.ts';

/** A store that records each call it gets and refuses any call holding an event with id `bad`. */
function recordingStore() {
  const calls: Array<{ kind: string; ids: string[] }> = [];
  const write = (kind: string) => async (values: readonly unknown[]) => {
    const ids = values.map((v) => (v as { id?: string; attemptId?: string }).id ?? (v as { attemptId: string }).attemptId);
    calls.push({ kind, ids });
    if (ids.includes('bad')) throw new Error('refused');
    return ids.length;
  };
  const store: TrackingStore = {
    recordEvents: write('events'),
    recordDeliveries: write('deliveries'),
    recordAttempts: write('attempts'),
    recordAttemptsWithDeliveries: async (attempts, deliveries) => {
      const ids = [...attempts.map((a) => a.attemptId), ...deliveries.map((d) => d.id)];
      calls.push({ kind: 'attempts+deliveries', ids });
      if (ids.includes('bad')) throw new Error('refused');
      return { attempts: attempts.length, deliveries: deliveries.length };
    },
  };
  return { store, calls };
}
const ev = (id: string) => ({ id }) as unknown as TrackedEvent;
const at = (attemptId: string, deliveryId = `dlv_${attemptId}`) => ({ attemptId, deliveryId }) as unknown as AttemptRecord;
const dl = (id: string) => ({ id }) as unknown as TrackedDelivery;

describe('GroupedWrites', () => {
  it('merges the writes of one kind asked for in the same turn into one call, kinds apart', async () => {
    const { store, calls } = recordingStore();
    const grouped = new GroupedWrites(store);
    const results = await Promise.all([grouped.recordEvents([ev('a'), ev('b')]), grouped.recordEvents([ev('c')]), grouped.recordAttempts([at('x')])]);
    expect(calls).toEqual([{ kind: 'events', ids: ['a', 'b', 'c'] }, { kind: 'attempts', ids: ['x'] }]);
    expect(results[0]! + results[1]!).toBe(3);
    expect(results[2]).toBe(1);
  });

  it('writes each call on its own when the merged write fails: only the refused batch fails', async () => {
    const { store, calls } = recordingStore();
    const grouped = new GroupedWrites(store);
    const outcomes = await Promise.allSettled([grouped.recordEvents([ev('a')]), grouped.recordEvents([ev('bad')]), grouped.recordEvents([ev('c')])]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(calls[0]).toEqual({ kind: 'events', ids: ['a', 'bad', 'c'] });
    expect(calls.slice(1).map((c) => c.ids).sort()).toEqual([['a'], ['bad'], ['c']]);
  });

  it('writes calls of later turns in later groups, and empty calls not at all', async () => {
    const { store, calls } = recordingStore();
    const grouped = new GroupedWrites(store);
    await grouped.recordEvents([ev('a')]);
    await grouped.recordEvents([]);
    await grouped.recordEvents([ev('b')]);
    expect(calls).toEqual([{ kind: 'events', ids: ['a'] }, { kind: 'events', ids: ['b'] }]);
  });

  it('writes a delivery with its attempt when both come in the same turn, the unpaired deliveries alongside', async () => {
    const { store, calls } = recordingStore();
    const grouped = new GroupedWrites(store);
    const [d1, d2, a1, a2] = await Promise.all([
      grouped.recordDeliveries([dl('dlv_x'), dl('dlv_alone')]),
      grouped.recordDeliveries([dl('dlv_y')]),
      grouped.recordAttempts([at('x')]),
      grouped.recordAttempts([at('y'), at('z')]),
    ]);
    expect(calls).toEqual([
      { kind: 'attempts+deliveries', ids: ['x', 'y', 'z', 'dlv_x', 'dlv_y'] },
      { kind: 'deliveries', ids: ['dlv_alone'] },
    ]);
    expect([d1, d2, a1, a2]).toEqual([3, 0, 3, 0]);
  });

  it('writes every call of a paired group on its own when the paired write fails', async () => {
    const { store, calls } = recordingStore();
    const grouped = new GroupedWrites(store);
    const outcomes = await Promise.allSettled([grouped.recordDeliveries([dl('dlv_ok')]), grouped.recordAttempts([at('ok', 'dlv_ok')]), grouped.recordAttempts([at('bad')])]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
    expect(calls[0]).toEqual({ kind: 'attempts+deliveries', ids: ['ok', 'bad', 'dlv_ok'] });
    expect(calls.slice(1).map((c) => `${c.kind}:${c.ids.join(',')}`).sort()).toEqual(['attempts:bad', 'attempts:ok', 'deliveries:dlv_ok']);
  });
});
