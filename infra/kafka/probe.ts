import { applyKafkajsFixes } from '@hookline/kafka';
import { Kafka, logLevel } from 'kafkajs';

applyKafkajsFixes();

/** Topic the readiness check creates and keeps (idempotent on later starts). */
export const READY_TOPIC = '__hookline_ready';

/**
 * A throwaway client with kafkajs's own retries and logging off: the launcher
 * polls on its own schedule and a refused connection is expected while the
 * broker boots, so kafkajs's ERROR lines would only be noise.
 */
function quietAdmin(brokers: string, timeoutMs: number) {
  return new Kafka({
    clientId: 'hookline-launcher',
    brokers: [brokers],
    logLevel: logLevel.NOTHING,
    connectionTimeout: timeoutMs,
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
  }).admin();
}


/** Whether a Kafka broker at `brokers` answers a metadata request. */
export async function brokerAnswers(brokers: string, timeoutMs = 3000): Promise<boolean> {
  const admin = quietAdmin(brokers, timeoutMs);
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length > 0;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Group only ever looked up, never joined: the lookup is what matters (see below). */
const READY_GROUP = '__hookline_ready';

/**
 * One readiness attempt. Metadata answering is not enough: the broker only
 * serves real work once the KRaft controller has elected itself and can
 * create topics, so we create one and require its partition to have a leader.
 * Then we look up a group coordinator, which makes the broker create
 * __consumer_offsets now rather than during the first test's consumer (where
 * kafkajs would log "group coordinator is not available" and back off).
 */
export async function brokerReady(brokers: string, timeoutMs = 5000): Promise<boolean> {
  const admin = quietAdmin(brokers, timeoutMs);
  try {
    await admin.connect();
    // Resolves false (not an error) when the topic survives from an earlier run.
    await admin.createTopics({
      topics: [{ topic: READY_TOPIC, numPartitions: 1, replicationFactor: 1 }],
      waitForLeaders: true,
      timeout: timeoutMs,
    });
    const { topics } = await admin.fetchTopicMetadata({ topics: [READY_TOPIC] });
    const partitions = topics[0]?.partitions ?? [];
    if (partitions.length === 0 || partitions.some((p) => p.leader < 0)) return false;
    await admin.describeGroups([READY_GROUP]);
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
