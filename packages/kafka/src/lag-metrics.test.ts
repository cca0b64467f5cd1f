import { describe, expect, it } from 'vitest';
import { offsetKey, partitionLags, settled, uncommittedPartitions, type LagSource } from './lag-metrics.ts';

const offsets = (entries: Array<[string, number, number]>) => new Map(entries.map(([t, p, o]) => [offsetKey(t, p), o]));
const partitionsOf = new Map([['a', [{ partition: 0 }, { partition: 1 }]], ['b', [{ partition: 0 }]]]);
const sources: LagSource[] = [{ groupId: 'one', topics: ['a', 'b'] }, { groupId: 'two', topics: ['a'] }];

describe('uncommittedPartitions', () => {
  it('lists each partition some group never committed, once', () => {
    const committed = [offsets([['a', 0, 5], ['a', 1, -1]]), offsets([['a', 0, -1]])];
    expect(uncommittedPartitions(sources, committed, partitionsOf)).toEqual(new Map([['a', [1, 0]], ['b', [0]]]));
  });

  it('is empty when every group committed every partition (offset 0 counts as committed)', () => {
    const committed = [offsets([['a', 0, 0], ['a', 1, 3], ['b', 0, 1]]), offsets([['a', 0, 2], ['a', 1, 0]])];
    expect(uncommittedPartitions(sources, committed, partitionsOf).size).toBe(0);
  });
});

describe('partitionLags', () => {
  it('counts from the committed offset, or from the log start where none, never below 0', () => {
    const committed = [offsets([['a', 0, 5], ['a', 1, -1], ['b', 0, 9]]), offsets([['a', 1, 2]])];
    const high = offsets([['a', 0, 8], ['a', 1, 4], ['b', 0, 7]]);
    const low = offsets([['a', 1, 1], ['a', 0, 3]]);
    expect(partitionLags(sources, committed, partitionsOf, high, low)).toEqual([
      { group: 'one', topic: 'a', partition: 0, lag: 3 },
      { group: 'one', topic: 'a', partition: 1, lag: 3 },
      { group: 'one', topic: 'b', partition: 0, lag: 0 },
      { group: 'two', topic: 'a', partition: 0, lag: 5 },
      { group: 'two', topic: 'a', partition: 1, lag: 2 },
    ]);
  });

  it('leaves out a partition whose high watermark was not read', () => {
    expect(partitionLags([{ groupId: 'one', topics: ['b'] }], [offsets([])], partitionsOf, offsets([]), offsets([]))).toEqual([]);
  });
});

describe('settled', () => {
  it('resolves with every value in order', async () => {
    expect(await settled([Promise.resolve(1), Promise.resolve('two')] as const)).toEqual([1, 'two']);
  });

  it('rejects with the first failure only once every request has settled (none left in flight to reconnect)', async () => {
    let finish!: (value: number) => void;
    const inFlight = new Promise<number>((resolve) => (finish = resolve));
    let outcome = 'pending';
    const all = settled([Promise.reject(new Error('not the leader')), inFlight] as const).then(
      () => (outcome = 'resolved'),
      (err: Error) => (outcome = `rejected: ${err.message}`),
    );
    for (let i = 0; i < 10; i++) await Promise.resolve();
    expect(outcome).toBe('pending');
    finish(2);
    await all;
    expect(outcome).toBe('rejected: not the leader');
  });
});
