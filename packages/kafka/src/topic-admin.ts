import type { Admin, Kafka } from 'kafkajs';

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
    if (missing.length > 0) await createMissing(admin, missing, defaults);
    // Topics created a moment ago (here or by another service) may not have leaders yet; consumers and
    // producers that start right after this would fail on them.
    await waitForLeaders(admin, specs.map((s) => s.topic));
  } finally {
    await admin.disconnect();
  }
}

async function createMissing(admin: Admin, missing: readonly TopicSpec[], defaults: { numPartitions: number; replicationFactor: number }): Promise<void> {
  try {
    // Leaders are waited for below: kafkajs' own wait gives up at once when a just-created topic is briefly
    // unknown to the broker's metadata (UNKNOWN_TOPIC_OR_PARTITION on a KRaft broker), failing a service's start.
    await admin.createTopics({
      waitForLeaders: false,
      topics: missing.map((s) => ({
        topic: s.topic,
        numPartitions: s.numPartitions ?? defaults.numPartitions,
        replicationFactor: s.replicationFactor ?? defaults.replicationFactor,
        configEntries: s.configEntries ?? [],
      })),
    });
  } catch (err) {
    // Another instance may have created some of them in between; only fail if any is still missing once the
    // metadata has had a moment to catch up.
    const deadline = Date.now() + 10_000;
    for (;;) {
      const now = new Set(await admin.listTopics().catch(() => [] as string[]));
      if (missing.every((s) => now.has(s.topic))) return;
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/** Polls metadata until every partition of `topics` has a leader (bounded: 30 s). */
async function waitForLeaders(admin: Admin, topics: readonly string[]): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ready = await admin
      .fetchTopicMetadata({ topics: [...topics] })
      .then((m) => m.topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0)), () => false);
    if (ready) return;
    if (Date.now() > deadline) throw new Error(`topics without leaders after 30 s: ${topics.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
