import type { Admin } from 'kafkajs';
import { Gauge, type Registry } from 'prom-client';

/** A consumer group and the topics whose lag it reports. */
export interface LagSource {
  groupId: string;
  topics: readonly string[];
}

/**
 * `hookline_consumer_lag{group, topic, partition}`: records not yet committed by each group, computed when
 * Prometheus scrapes (committed offsets against the partitions' high watermarks). A group with no commit yet
 * counts every record from the log start.
 */
export function registerLagMetrics(registry: Registry, admin: Admin, sources: () => readonly LagSource[]): void {
  new Gauge({
    name: 'hookline_consumer_lag',
    help: 'Records not yet processed and committed, per consumer group, topic and partition',
    labelNames: ['group', 'topic', 'partition'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const { groupId, topics } of sources()) {
        if (topics.length === 0) continue;
        const committed = await admin.fetchOffsets({ groupId, topics: [...topics] }).catch(() => []);
        for (const { topic, partitions } of committed) {
          const ends = await admin.fetchTopicOffsets(topic).catch(() => []);
          for (const end of ends) {
            const mine = partitions.find((p) => p.partition === end.partition);
            const offset = mine && Number(mine.offset) >= 0 ? Number(mine.offset) : Number(end.low);
            this.set({ group: groupId, topic, partition: String(end.partition) }, Math.max(0, Number(end.high) - offset));
          }
        }
      }
    },
  });
}
