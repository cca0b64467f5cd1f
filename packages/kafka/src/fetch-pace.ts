import { createRequire } from 'node:module';
import type { Consumer } from 'kafkajs';

/** How long the broker may hold one of a consumer's fetches: until `minBytes` are there, or `maxWaitTimeInMs` passed. */
export interface FetchPace {
  minBytes: number;
  maxWaitTimeInMs: number;
}

/**
 * A consumer whose fetches have brought no record for `afterMs`, and that has no partition paused, is quiet: the broker
 * may then hold its fetches up to `maxWaitTimeInMs` (or its own wait, if longer), and answers one as soon as one byte is
 * there — a record ends the quiet at once, and the consumer's own pace comes back with the fetch after it.
 */
export interface QuietFetches {
  afterMs: number;
  maxWaitTimeInMs: number;
}

/**
 * The services' consumers go quiet after 10 s without a record and then fetch every 3 s instead of every second
 * (issue 19: an idle stack's cost — each empty fetch over a consumer's partitions costs its service and the broker
 * about a millisecond of CPU apiece; bench/RESULTS.md). Not longer: the broker answers a consumer's requests one at a
 * time, so its heartbeats and leaving the group at stop wait behind a held fetch (3 s, within the 7 s a service's
 * shutdown gives its consumers).
 */
export const QUIET_FETCHES: QuietFetches = { afterMs: 10_000, maxWaitTimeInMs: 3_000 };

/**
 * The pace of a consumer's next fetch: `paced` (its pace function's choice) or else its own settings, lengthened while
 * it is quiet ({@link QuietFetches}). `anyPaused` is asked only once the consumer has been without records long enough.
 */
export function chooseFetchPace(s: { own: FetchPace; paced: FetchPace | undefined; quiet: QuietFetches | undefined; withoutRecordsMs: number; anyPaused: () => boolean }): FetchPace {
  const chosen = s.paced ?? s.own;
  if (s.quiet === undefined || s.withoutRecordsMs < s.quiet.afterMs || s.anyPaused()) return chosen;
  return { minBytes: 1, maxWaitTimeInMs: Math.max(chosen.maxWaitTimeInMs, s.quiet.maxWaitTimeInMs) };
}

interface BatchLike {
  isEmpty(): boolean;
}

interface ConsumerGroupLike {
  memberId: string | null;
  minBytes: number;
  maxWaitTime: number;
  subscriptionState: { paused(): Array<{ partitions: number[] }> };
  fetch(nodeId: unknown): Promise<BatchLike[]>;
}

interface Pacing {
  pace: () => FetchPace | undefined;
  quiet: QuietFetches | undefined;
}

/** Per group member id: how its fetches are paced. */
const pacings = new Map<string, Pacing>();
const OWN = Symbol('hookline.ownFetchPace');
const LAST_RECORDS_AT = Symbol('hookline.lastRecordsAt');
let patched = false;

/**
 * kafkajs fixes `minBytes` and `maxWaitTimeInMs` when a consumer is created; this lets `pace` choose them again before
 * each fetch of `consumer` (kafkajs 2.2.4's consumer group reads both fields at every fetch), and with `quiet` lets the
 * broker hold its fetches longer while nothing comes ({@link QuietFetches}). `pace` returning undefined restores the
 * consumer's own settings. Registered under the member id each join gives the consumer, and dropped when it stops.
 */
export function paceFetches(consumer: Consumer, pace: () => FetchPace | undefined, options: { quiet?: QuietFetches } = {}): void {
  patchConsumerGroup();
  const pacing: Pacing = { pace, quiet: options.quiet };
  let memberId: string | undefined;
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    if (memberId !== undefined) pacings.delete(memberId);
    memberId = payload.memberId;
    pacings.set(memberId, pacing);
  });
  consumer.on(consumer.events.STOP, () => {
    if (memberId !== undefined) pacings.delete(memberId);
    memberId = undefined;
  });
}

function patchConsumerGroup(): void {
  if (patched) return;
  patched = true;
  const require = createRequire(import.meta.url);
  const ConsumerGroup = require('kafkajs/src/consumer/consumerGroup.js') as { prototype: ConsumerGroupLike };
  const fetch = ConsumerGroup.prototype.fetch;
  ConsumerGroup.prototype.fetch = function pacedFetch(this: ConsumerGroupLike & { [OWN]?: FetchPace; [LAST_RECORDS_AT]?: number }, nodeId: unknown) {
    const own = (this[OWN] ??= { minBytes: this.minBytes, maxWaitTimeInMs: this.maxWaitTime });
    const pacing = this.memberId ? pacings.get(this.memberId) : undefined;
    const quiet = pacing?.quiet;
    const startedAt = quiet ? performance.now() : 0;
    const chosen = chooseFetchPace({
      own,
      paced: pacing?.pace(),
      quiet,
      withoutRecordsMs: quiet ? startedAt - (this[LAST_RECORDS_AT] ??= startedAt) : 0,
      anyPaused: () => this.subscriptionState.paused().length > 0,
    });
    this.minBytes = chosen.minBytes;
    this.maxWaitTime = chosen.maxWaitTimeInMs;
    const fetched = fetch.call(this, nodeId);
    if (!quiet) return fetched;
    return fetched.then((batches) => {
      if (batches.some((b) => !b.isEmpty())) this[LAST_RECORDS_AT] = performance.now();
      return batches;
    });
  };
}
