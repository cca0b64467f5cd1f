import { createRequire } from 'node:module';
import type { Kafka } from 'kafkajs';
import { Gauge, type Registry } from 'prom-client';
import { tallyRequest } from './request-counts.ts';

/** A consumer group and the topics whose lag it reports. */
export interface LagSource {
  groupId: string;
  topics: readonly string[];
}

/** One partition's lag: records not yet committed by its group. */
export interface PartitionLag {
  group: string;
  topic: string;
  partition: number;
  lag: number;
}

/** What the reader uses of a kafkajs cluster (`kafkajs/src/cluster`); the admin API asks per topic, twice. */
interface ClusterLike {
  isConnected(): boolean;
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  addMultipleTargetTopics(topics: string[]): Promise<void>;
  refreshMetadataIfNecessary(): Promise<void>;
  findTopicPartitionMetadata(topic: string): Array<{ partitionId: number }>;
  findGroupCoordinator(args: { groupId: string }): Promise<BrokerLike>;
  fetchTopicsOffset(topics: Array<{ topic: string; fromBeginning: boolean; partitions: Array<{ partition: number }> }>): Promise<Array<{ topic: string; partitions: Array<{ partition: number; offset: string }> }>>;
}

interface BrokerLike {
  offsetFetch(args: { groupId: string; topics: Array<{ topic: string; partitions: Array<{ partition: number }> }> }): Promise<{ responses: Array<{ topic: string; partitions: Array<{ partition: number; offset: string }> }> }>;
}

type ClusterFactory = (opts: { metadataMaxAge: number; allowAutoTopicCreation: boolean; instrumentationEmitter: unknown }) => ClusterLike;

/** How long the reader's topic metadata is kept (kafkajs' producers' and consumers' default; its admins keep none). */
const METADATA_MAX_AGE_MS = 300_000;

/**
 * Like `Promise.all`, but rejects only once every promise has settled: a read that fails closes the reader's cluster,
 * and a request still in flight then would connect again to a cluster nobody closes (its sockets keep the process
 * alive).
 */
export async function settled<T extends readonly unknown[]>(promises: { readonly [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const results = await Promise.allSettled(promises);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

/**
 * Reads consumer lag with as few requests as the protocol allows: per read, one OffsetFetch per group (its
 * coordinator found once and kept until a read fails), one ListOffsets per broker for every partition's high
 * watermark, and one more for the log start of the partitions a group never committed. kafkajs' admin sends a
 * FindCoordinator per group, a Metadata and two ListOffsets per topic (40–50 requests for the dispatcher's eleven
 * topics) on every Prometheus scrape. Its metadata is kept five minutes; a read that fails starts over with a new
 * connection. The reader has a cluster of its own, made by the client's own factory (its connection opened
 * on the first read), whose requests count as `admin` in `hookline_kafka_requests_total`.
 */
export class LagReader {
  readonly #kafka: Kafka;
  #cluster?: ClusterLike;
  readonly #coordinators = new Map<string, BrokerLike>();
  /** Reads under way, by what they read: two scrapes at once (Prometheus and the console) share one. */
  readonly #reading = new Map<string, Promise<PartitionLag[]>>();
  /** The last read queued: reads run one after another, so a failed one never closes the cluster under another. */
  #tail: Promise<unknown> = Promise.resolve();

  constructor(kafka: Kafka) {
    this.#kafka = kafka;
  }

  /** Every partition of every source's topics, with its group's lag; a group with no commit counts from the log start. */
  async read(sources: readonly LagSource[]): Promise<PartitionLag[]> {
    const wanted = sources.filter((s) => s.topics.length > 0);
    if (wanted.length === 0) return [];
    const key = JSON.stringify(wanted.map(({ groupId, topics }) => [groupId, topics]));
    const running = this.#reading.get(key);
    if (running) return running;
    const reading = this.#tail
      .then(() => this.#read(wanted))
      .catch(async (err: unknown) => {
        // Start over on the next read: coordinators, leaders or the connection may have moved.
        await this.close().catch(() => undefined);
        throw err;
      })
      .finally(() => this.#reading.delete(key));
    this.#reading.set(key, reading);
    this.#tail = reading.catch(() => undefined);
    return reading;
  }

  async #read(sources: readonly LagSource[]): Promise<PartitionLag[]> {
    const cluster = await this.#connected();
    const topics = [...new Set(sources.flatMap((s) => s.topics))];
    // Asks for metadata only when the set of topics grew; then only when it is five minutes old.
    await cluster.addMultipleTargetTopics(topics);
    await cluster.refreshMetadataIfNecessary();
    const partitionsOf = new Map(topics.map((t) => [t, cluster.findTopicPartitionMetadata(t).map((p) => ({ partition: p.partitionId }))]));

    const [committed, high] = await settled([
      settled(sources.map(async ({ groupId, topics: ts }) => {
        const coordinator = await this.#coordinator(cluster, groupId);
        const { responses } = await coordinator.offsetFetch({ groupId, topics: ts.map((topic) => ({ topic, partitions: partitionsOf.get(topic)! })) });
        return offsetsByKey(responses);
      })),
      cluster.fetchTopicsOffset(topics.map((topic) => ({ topic, fromBeginning: false, partitions: partitionsOf.get(topic)! }))).then(offsetsByKey),
    ] as const);

    // The log start only where some group has no committed offset.
    const uncommitted = uncommittedPartitions(sources, committed, partitionsOf);
    const low = uncommitted.size === 0
      ? new Map<string, number>()
      : offsetsByKey(await cluster.fetchTopicsOffset([...uncommitted].map(([topic, partitions]) => ({ topic, fromBeginning: true, partitions: partitions.map((partition) => ({ partition })) }))));
    return partitionLags(sources, committed, partitionsOf, high, low);
  }

  /** Closes the reader's connection (a later read opens it again). */
  async close(): Promise<void> {
    const cluster = this.#cluster;
    this.#cluster = undefined;
    this.#coordinators.clear();
    await cluster?.disconnect();
  }

  async #connected(): Promise<ClusterLike> {
    if (!this.#cluster) this.#cluster = makeCluster(this.#kafka);
    if (!this.#cluster.isConnected()) await this.#cluster.connect();
    return this.#cluster;
  }

  async #coordinator(cluster: ClusterLike, groupId: string): Promise<BrokerLike> {
    let coordinator = this.#coordinators.get(groupId);
    if (!coordinator) {
      coordinator = await cluster.findGroupCoordinator({ groupId });
      this.#coordinators.set(groupId, coordinator);
    }
    return coordinator;
  }
}

/** Offsets keyed by {@link offsetKey}. */
export type Offsets = ReadonlyMap<string, number>;

/** The key of a partition in {@link Offsets}. */
export const offsetKey = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

/** Per topic, the partitions some group has no committed offset for (`committed[i]` is `sources[i]`'s; below 0 is none). */
export function uncommittedPartitions(sources: readonly LagSource[], committed: readonly Offsets[], partitionsOf: ReadonlyMap<string, ReadonlyArray<{ partition: number }>>): Map<string, number[]> {
  const out = new Map<string, number[]>();
  sources.forEach(({ topics }, i) => {
    for (const topic of topics) {
      for (const { partition } of partitionsOf.get(topic) ?? []) {
        if ((committed[i]?.get(offsetKey(topic, partition)) ?? -1) >= 0) continue;
        const list = out.get(topic) ?? [];
        if (!list.includes(partition)) list.push(partition);
        out.set(topic, list);
      }
    }
  });
  return out;
}

/**
 * Each group's lag on each partition of its topics: high watermark − committed offset, or − the log start (`low`)
 * where the group never committed; never below 0. A partition without a high watermark is left out.
 */
export function partitionLags(sources: readonly LagSource[], committed: readonly Offsets[], partitionsOf: ReadonlyMap<string, ReadonlyArray<{ partition: number }>>, high: Offsets, low: Offsets): PartitionLag[] {
  const lags: PartitionLag[] = [];
  sources.forEach(({ groupId, topics }, i) => {
    for (const topic of topics) {
      for (const { partition } of partitionsOf.get(topic) ?? []) {
        const k = offsetKey(topic, partition);
        const end = high.get(k);
        if (end === undefined) continue;
        const mine = committed[i]?.get(k) ?? -1;
        const from = mine >= 0 ? mine : (low.get(k) ?? 0);
        lags.push({ group: groupId, topic, partition, lag: Math.max(0, end - from) });
      }
    }
  });
  return lags;
}

function offsetsByKey(responses: Array<{ topic: string; partitions: Array<{ partition: number; offset: string }> }>): Map<string, number> {
  const out = new Map<string, number>();
  for (const { topic, partitions } of responses) for (const { partition, offset } of partitions) out.set(offsetKey(topic, partition), Number(offset));
  return out;
}

/** A cluster from the client's own factory (kafkajs keeps it under a private symbol), counting its requests as an admin's. */
function makeCluster(kafka: Kafka): ClusterLike {
  const symbol = Object.getOwnPropertySymbols(kafka).find((s) => s.description === 'private:Kafka:createCluster');
  if (!symbol) throw new Error('kafkajs: the client has no cluster factory (an unsupported kafkajs version)');
  const require = createRequire(import.meta.url);
  const Emitter = require('kafkajs/src/instrumentation/emitter.js') as new () => { addListener(name: string, fn: (e: { payload: { apiName: string } }) => void): () => void };
  const emitter = new Emitter();
  emitter.addListener('network.request', (event) => tallyRequest(kafka, 'admin', event.payload.apiName));
  const factory = (kafka as unknown as Record<symbol, ClusterFactory>)[symbol]!;
  return factory({ metadataMaxAge: METADATA_MAX_AGE_MS, allowAutoTopicCreation: false, instrumentationEmitter: emitter });
}

/**
 * `hookline_consumer_lag{group, topic, partition}`: records not yet committed by each group, computed when
 * Prometheus scrapes (committed offsets against the partitions' high watermarks). A group with no commit yet
 * counts every record from the log start. A read that fails leaves the gauge empty for that scrape.
 */
export function registerLagMetrics(registry: Registry, reader: LagReader, sources: () => readonly LagSource[]): void {
  new Gauge({
    name: 'hookline_consumer_lag',
    help: 'Records not yet processed and committed, per consumer group, topic and partition',
    labelNames: ['group', 'topic', 'partition'],
    registers: [registry],
    async collect() {
      this.reset();
      const lags = await reader.read(sources()).catch(() => []);
      for (const { group, topic, partition, lag } of lags) this.set({ group, topic, partition: String(partition) }, lag);
    },
  });
}
