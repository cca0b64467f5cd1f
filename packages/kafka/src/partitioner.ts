import { randomInt } from 'node:crypto';
import type { ICustomPartitioner } from 'kafkajs';
import { murmur2 } from './murmur2.ts';

const toPositive = (n: number) => n & 0x7fffffff;

/**
 * Kafka's default partitioning, as kafkajs' `DefaultPartitioner` (and the Java client before KIP-480) does it: the
 * message's own partition; else murmur2 of its key over all partitions; else round robin over the partitions that
 * have a leader, from a random start per topic. The same choices, with the hash in 32-bit integers ({@link murmur2})
 * where kafkajs' takes 64-bit arithmetic on objects, and nothing allocated for a keyed message.
 */
export const defaultPartitioner: ICustomPartitioner = () => {
  const counters = new Map<string, number>();
  return ({ topic, partitionMetadata, message }) => {
    if (message.partition !== null && message.partition !== undefined) return message.partition;
    if (message.key !== null && message.key !== undefined) {
      const key = Buffer.isBuffer(message.key) ? message.key : Buffer.from(String(message.key));
      return toPositive(murmur2(key)) % partitionMetadata.length;
    }
    const counter = (counters.get(topic) ?? randomInt(2 ** 32 - 1)) + 1;
    counters.set(topic, counter);
    const available = partitionMetadata.filter((p) => p.leader >= 0);
    if (available.length > 0) return available[toPositive(counter) % available.length]!.partitionId;
    return toPositive(counter) % partitionMetadata.length;
  };
};
