import { LagReader } from '@hookline/kafka';
import type { Kafka } from 'kafkajs';
import { round } from './stats.ts';

/** Lag of one consumer group on one topic over time: `[secondsSinceStart, lag]` samples. */
export interface LagSeries {
  group: string;
  topic: string;
  samples: Array<[number, number]>;
  max: number;
}

/**
 * Samples consumer lag every `intervalMs` (the services' own `LagReader`: an OffsetFetch per group and one or two
 * ListOffsets a sample), at most `maxSamples` times; `stop()` returns the series. Σ over partitions of (high
 * watermark − committed offset); an uncommitted partition counts from its log start.
 */
export async function startLagMonitor(kafka: Kafka, watch: Array<{ group: string; topic: string }>, intervalMs: number, maxSamples = 3_600) {
  const reader = new LagReader(kafka);
  const started = Date.now();
  const series: LagSeries[] = watch.map((w) => ({ ...w, samples: [], max: 0 }));
  const sources = [...new Set(watch.map((w) => w.group))].map((groupId) => ({ groupId, topics: [...new Set(watch.filter((w) => w.group === groupId).map((w) => w.topic))] }));
  let stopped = false;
  let count = 0;
  const loop = (async () => {
    while (!stopped && count++ < maxSamples) {
      const t = round((Date.now() - started) / 1000, 2);
      try {
        const lags = await reader.read(sources);
        for (const s of series) {
          const mine = lags.filter((l) => l.group === s.group && l.topic === s.topic);
          if (mine.length === 0) continue;
          const lag = mine.reduce((sum, l) => sum + l.lag, 0);
          s.samples.push([t, lag]);
          s.max = Math.max(s.max, lag);
        }
      } catch {
        // A topic may not exist yet; the next sample will tell.
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();
  return {
    /** The latest lag of every watched group (for drain checks). */
    latest: () => series.map((s) => s.samples.at(-1)?.[1] ?? Number.NaN),
    async stop(): Promise<LagSeries[]> {
      stopped = true;
      await loop;
      await reader.close();
      return series;
    },
  };
}
