import { randomBytes } from 'node:crypto';
import { Partitioners, type PartitionMetadata } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { defaultPartitioner } from './partitioner.ts';

const partitions = (n: number, leaderless: number[] = []): PartitionMetadata[] =>
  Array.from({ length: n }, (_, partitionId) => ({ partitionId, leader: leaderless.includes(partitionId) ? -1 : 1, partitionErrorCode: 0, replicas: [1], isr: [1] }));

describe('defaultPartitioner', () => {
  it("puts every keyed message where kafkajs' DefaultPartitioner puts it (string and Buffer keys)", () => {
    const ours = defaultPartitioner();
    const theirs = Partitioners.DefaultPartitioner();
    for (let i = 0; i < 5_000; i++) {
      const partitionMetadata = partitions(1 + (i % 12));
      const bytes = randomBytes(1 + (i % 40));
      for (const key of [bytes, bytes.toString('hex'), `evt_${i}`, `app_1\u001fcustomer-${i}-é`]) {
        const args = { topic: 't', partitionMetadata, message: { key, value: null } };
        expect(ours(args)).toBe(theirs(args));
      }
    }
  });

  it("keeps a message's own partition", () => {
    const choose = defaultPartitioner();
    expect(choose({ topic: 't', partitionMetadata: partitions(6), message: { key: 'k', value: null, partition: 4 } })).toBe(4);
    expect(choose({ topic: 't', partitionMetadata: partitions(6), message: { value: null, partition: 0 } })).toBe(0);
  });

  it('spreads keyless messages round robin over the partitions that have a leader', () => {
    const choose = defaultPartitioner();
    const metadata = partitions(6, [2, 5]);
    const chosen = Array.from({ length: 40 }, () => choose({ topic: 't', partitionMetadata: metadata, message: { value: null } }));
    expect(new Set(chosen)).toEqual(new Set([0, 1, 3, 4]));
    for (let i = 1; i < chosen.length; i++) {
      const order = [0, 1, 3, 4];
      expect(chosen[i]).toBe(order[(order.indexOf(chosen[i - 1]!) + 1) % order.length]);
    }
    // With no leader anywhere it still answers a partition (the send then fails or waits, as with kafkajs').
    expect(choose({ topic: 'u', partitionMetadata: partitions(3, [0, 1, 2]), message: { value: null } })).toBeLessThan(3);
  });
});
