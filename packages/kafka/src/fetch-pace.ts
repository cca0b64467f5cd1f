import { createRequire } from 'node:module';
import type { Consumer } from 'kafkajs';

/** How long the broker may hold one of a consumer's fetches: until `minBytes` are there, or `maxWaitTimeInMs` passed. */
export interface FetchPace {
  minBytes: number;
  maxWaitTimeInMs: number;
}

interface ConsumerGroupLike {
  memberId: string | null;
  minBytes: number;
  maxWaitTime: number;
  fetch(nodeId: unknown): Promise<unknown>;
}

/** Per group member id: the pace its next fetch takes (undefined: the consumer's own settings). */
const paces = new Map<string, () => FetchPace | undefined>();
const OWN = Symbol('hookline.ownFetchPace');
let patched = false;

/**
 * kafkajs fixes `minBytes` and `maxWaitTimeInMs` when a consumer is created; this lets `pace` choose them again before
 * each fetch of `consumer` (kafkajs 2.2.4's consumer group reads both fields at every fetch). `pace` returning
 * undefined restores the consumer's own settings. Registered under the member id each join gives the consumer, and
 * dropped when it stops.
 */
export function paceFetches(consumer: Consumer, pace: () => FetchPace | undefined): void {
  patchConsumerGroup();
  let memberId: string | undefined;
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    if (memberId !== undefined) paces.delete(memberId);
    memberId = payload.memberId;
    paces.set(memberId, pace);
  });
  consumer.on(consumer.events.STOP, () => {
    if (memberId !== undefined) paces.delete(memberId);
    memberId = undefined;
  });
}

function patchConsumerGroup(): void {
  if (patched) return;
  patched = true;
  const require = createRequire(import.meta.url);
  const ConsumerGroup = require('kafkajs/src/consumer/consumerGroup.js') as { prototype: ConsumerGroupLike };
  const fetch = ConsumerGroup.prototype.fetch;
  ConsumerGroup.prototype.fetch = function pacedFetch(this: ConsumerGroupLike & { [OWN]?: FetchPace }, nodeId: unknown) {
    const own = (this[OWN] ??= { minBytes: this.minBytes, maxWaitTimeInMs: this.maxWaitTime });
    const chosen = (this.memberId ? paces.get(this.memberId)?.() : undefined) ?? own;
    this.minBytes = chosen.minBytes;
    this.maxWaitTime = chosen.maxWaitTimeInMs;
    return fetch.call(this, nodeId);
  };
}
