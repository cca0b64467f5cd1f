import type { Kafka } from 'kafkajs';

/** A topic Hookline needs, with the settings that matter for it. */
export interface TopicSpec {
  topic: string;
  numPartitions?: number;
  replicationFactor?: number;
  configEntries?: Array<{ name: string; value: string }>;
}

/**
 * Creates the topics that do not exist yet (existing ones are left as they are). Safe when several services
 * start at once: a concurrent creation of the same topic counts as success.
 */
export async function ensureTopics(kafka: Kafka, specs: readonly TopicSpec[], defaults: { numPartitions: number; replicationFactor: number }): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((s) => !existing.has(s.topic));
    if (missing.length === 0) return;
    try {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((s) => ({
          topic: s.topic,
          numPartitions: s.numPartitions ?? defaults.numPartitions,
          replicationFactor: s.replicationFactor ?? defaults.replicationFactor,
          configEntries: s.configEntries ?? [],
        })),
      });
    } catch (err) {
      // Another instance may have created some of them in between; only fail if any is still missing.
      const now = new Set(await admin.listTopics());
      if (missing.some((s) => !now.has(s.topic))) throw err;
    }
  } finally {
    await admin.disconnect();
  }
}
