import type { Admin, Kafka } from 'kafkajs';
import { round } from './stats.ts';

/** Lag of one consumer group on one topic over time: `[secondsSinceStart, lag]` samples. */
export interface LagSeries {
  group: string;
  topic: string;
  samples: Array<[number, number]>;
  max: number;
}

/** Σ over partitions of (high watermark − committed offset); an uncommitted partition counts from its low mark. */
async function lagOf(admin: Admin, group: string, topic: string): Promise<number> {
  const [committed, ends] = await Promise.all([admin.fetchOffsets({ groupId: group, topics: [topic] }), admin.fetchTopicOffsets(topic)]);
  const byPartition = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
  let lag = 0;
  for (const end of ends) {
    const c = byPartition.get(end.partition) ?? -1;
    lag += Math.max(0, Number(end.high) - (c >= 0 ? c : Number(end.low)));
  }
  return lag;
}

/**
 * Samples consumer lag (kafkajs admin `fetchOffsets` against `fetchTopicOffsets`) every `intervalMs`, at most
 * `maxSamples` times; `stop()` returns the series.
 */
export async function startLagMonitor(kafka: Kafka, watch: Array<{ group: string; topic: string }>, intervalMs: number, maxSamples = 3_600) {
  const admin = kafka.admin();
  await admin.connect();
  const started = Date.now();
  const series: LagSeries[] = watch.map((w) => ({ ...w, samples: [], max: 0 }));
  let stopped = false;
  let count = 0;
  const loop = (async () => {
    while (!stopped && count++ < maxSamples) {
      const t = round((Date.now() - started) / 1000, 2);
      await Promise.all(series.map(async (s) => {
        try {
          const lag = await lagOf(admin, s.group, s.topic);
          s.samples.push([t, lag]);
          s.max = Math.max(s.max, lag);
        } catch {
          // The topic may not exist yet; the next sample will tell.
        }
      }));
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();
  return {
    /** The latest lag of every watched group (for drain checks). */
    latest: () => series.map((s) => s.samples.at(-1)?.[1] ?? Number.NaN),
    async stop(): Promise<LagSeries[]> {
      stopped = true;
      await loop;
      await admin.disconnect();
      return series;
    },
  };
}
