import { createRequire } from 'node:module';

/** kafkajs' own interval for re-checking requests that wait (throttled, or over the in-flight limit). */
const CHECK_PENDING_REQUESTS_INTERVAL_MS = 10;

interface RequestQueueLike {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
}

let applied = false;

/**
 * Works around a kafkajs 2.2.4 bug (tulios/kafkajs#1556, #1704, #1751): after a connection's first response, its
 * request queue re-arms a timer with a negative delay (run after 1 ms) every time it fires, whether or not a request
 * waits — every connection spins at about 1,000 wake-ups a second for ever (the `TimeoutNegativeWarning` on Node 24).
 * With a dozen connections per service that cost a third of a core at low load and added scheduling latency at
 * every hop. The replacement schedules a check only when a request waits or a throttle is in effect; a waiting
 * request is otherwise picked up when an in-flight one completes, as before. Applied once, before any client exists.
 */
export function applyKafkajsFixes(): void {
  if (applied) return;
  applied = true;
  const require = createRequire(import.meta.url);
  const RequestQueue = require('kafkajs/src/network/requestQueue/index.js') as { prototype: RequestQueueLike & { scheduleCheckPendingRequests(): void } };
  RequestQueue.prototype.scheduleCheckPendingRequests = function scheduleCheckPendingRequests(this: RequestQueueLike) {
    if (this.throttleCheckTimeoutId) return;
    const untilUnthrottled = this.throttledUntil - Date.now();
    if (this.pending.length === 0 && untilUnthrottled <= 0) return;
    const delay = untilUnthrottled > 0 ? untilUnthrottled : CHECK_PENDING_REQUESTS_INTERVAL_MS;
    this.throttleCheckTimeoutId = setTimeout(() => {
      this.throttleCheckTimeoutId = null;
      this.checkPendingRequests();
    }, delay);
  };
}
