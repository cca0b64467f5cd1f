import { describe, expect, it } from 'vitest';
import type { AttemptRecord } from '@hookline/contracts';
import type { TrackedEvent } from '../domain/tracked-records.ts';
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
  const store: TrackingStore = { recordEvents: write('events'), recordDeliveries: write('deliveries'), recordAttempts: write('attempts') };
  return { store, calls };
}
const ev = (id: string) => ({ id }) as unknown as TrackedEvent;
const at = (attemptId: string) => ({ attemptId }) as unknown as AttemptRecord;

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
});
