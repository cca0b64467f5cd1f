import { createRequire } from 'node:module';
import { crc32c } from './crc32c.ts';
import { oneBufferProduceRequests, type LongClass, type ProduceRequest, type ProduceRequestArgs } from './produce-request.ts';
import { recordDecoderWithoutLongs, type RecordDecoder } from './record-decoder.ts';

/** kafkajs' own interval for re-checking requests that wait (throttled, or over the in-flight limit). */
const CHECK_PENDING_REQUESTS_INTERVAL_MS = 10;

interface RequestQueueLike {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
}

interface EncoderClass {
  nextPowerOfTwo(value: number): number;
  prototype: { buf: Buffer; offset: number; ensureAvailable(length: number): void };
}

/** The smallest buffer an encoder allocates (headers and request frames are tens of bytes; records a KiB or so). */
const MIN_ENCODER_BYTES = 128;

let applied = false;

/**
 * kafkajs 2.2.4 fixes, applied once, before any client exists:
 * - its request queue's busy timer (below), and the 100 ms timer each connection ran for ever to enforce request
 *   timeouts ({@link requestTimeoutsWithoutPolling});
 * - a consumer's fetch handing every empty partition through its worker queue ({@link fetchesWithoutEmptyBatches});
 * - the cost of encoding produce requests, a quarter of ingest's CPU when it took batches of events (and the
 *   partitioner's hash most of another tenth: `partitioner.ts`): every encoder (one per record, per header, per batch,
 *   per request level) started with a zero-filled 512-byte buffer and grew by zero-filled doubling, and the records'
 *   checksum (CRC-32C) went byte by byte. Encoders now take unfilled memory (Node's pool for the small ones) when they
 *   first write and when they grow — they only ever expose the bytes they wrote — and the checksum goes eight bytes at
 *   a time ({@link crc32c}; same values). Produce requests are now written into one buffer of their exact size
 *   ({@link produceRequestsInOneBuffer}).
 * - the cost of decoding fetched records: BigInt `Long`s for every record's timestamp and offset, and the headers'
 *   object copied once per header ({@link recordsDecodedWithoutLongs}).
 */
export function applyKafkajsFixes(): void {
  if (applied) return;
  applied = true;
  const require = createRequire(import.meta.url);
  idleRequestQueues(require);
  requestTimeoutsWithoutPolling(require);
  cheaperEncoders(require);
  fasterRecordChecksums(require);
  produceRequestsInOneBuffer(require);
  recordsDecodedWithoutLongs(require);
  fetchesWithoutEmptyBatches(require);
}

/**
 * Works around a kafkajs 2.2.4 bug (tulios/kafkajs#1556, #1704, #1751): after a connection's first response, its
 * request queue re-arms a timer with a negative delay (run after 1 ms) every time it fires, whether or not a request
 * waits — every connection spins at about 1,000 wake-ups a second for ever (the `TimeoutNegativeWarning` on Node 24).
 * With a dozen connections per service that cost a third of a core at low load and added scheduling latency at
 * every hop. The replacement schedules a check only when a request waits or a throttle is in effect; a waiting
 * request is otherwise picked up when an in-flight one completes, as before.
 */
function idleRequestQueues(require: NodeJS.Require): void {
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

interface SocketRequestLike {
  sentAt: number | null;
  requestTimeout: number;
  timeoutRequest(): void;
}

interface TimedRequestQueue {
  enforceRequestTimeout: boolean;
  inflight: Map<number, SocketRequestLike>;
  /** When the armed deadline check fires (ms since the epoch), and its timer. */
  deadlineAt?: number;
  deadlineTimer?: NodeJS.Timeout | undefined;
  destroy(): void;
}

/**
 * kafkajs 2.2.4 enforces request timeouts with a 100 ms interval per connection, armed at connect and kept until the
 * connection goes: each checks its in-flight requests, found ones past their timeout, and whether its socket is still
 * connected. A service holds a dozen connections, so it woke ~100 times a second with nothing to do (an idle consumer
 * process: 61 wake-ups a second, 4.5 ms of CPU per second; the services' idle CPU fell by a quarter to a half without
 * it). Now a queue arms one timer for the earliest deadline of its in-flight requests when a request is sent (only
 * when that deadline is earlier than the armed one) and when it (re)connects; when the timer fires it times out the
 * requests past their deadline, as kafkajs did, and re-arms for the next. It hooks the queue's `sendSocketRequest`, not
 * each request: a closure per request made every send ~15 % dearer. A request completes or fails as before; a
 * disconnected queue's timer is cleared with the rest (`destroy`).
 */
function requestTimeoutsWithoutPolling(require: NodeJS.Require): void {
  const RequestQueue = require('kafkajs/src/network/requestQueue/index.js') as {
    prototype: TimedRequestQueue & { scheduleRequestTimeoutCheck(): void; sendSocketRequest(request: SocketRequestLike & { correlationId: number }): void };
  };
  const proto = RequestQueue.prototype;
  const destroy = proto.destroy;
  proto.destroy = function destroyWithDeadline(this: TimedRequestQueue) {
    clearTimeout(this.deadlineTimer);
    this.deadlineTimer = undefined;
    this.deadlineAt = undefined;
    destroy.call(this);
  };
  // kafkajs calls this at connect (it cleared any earlier interval first, then armed its interval).
  proto.scheduleRequestTimeoutCheck = function scheduleRequestTimeoutCheck(this: TimedRequestQueue) {
    this.destroy();
    // Requests already in flight keep their deadlines (kafkajs' interval covered them too).
    if (this.enforceRequestTimeout) checkDeadlines(this);
  };
  // Every request goes out through sendSocketRequest (at once, or later from the pending list).
  const sendSocketRequest = proto.sendSocketRequest;
  proto.sendSocketRequest = function sendTimedSocketRequest(this: TimedRequestQueue, request: SocketRequestLike & { correlationId: number }) {
    sendSocketRequest.call(this, request);
    if (this.enforceRequestTimeout && request.sentAt !== null && this.inflight.has(request.correlationId)) armDeadline(this, request.sentAt + request.requestTimeout);
  };
}

function armDeadline(queue: TimedRequestQueue, deadline: number): void {
  if (queue.deadlineAt !== undefined && queue.deadlineAt <= deadline) return;
  clearTimeout(queue.deadlineTimer);
  queue.deadlineAt = deadline;
  // +1: kafkajs times a request out once more than its timeout has passed since it was sent.
  queue.deadlineTimer = setTimeout(() => checkDeadlines(queue), Math.max(0, deadline - Date.now()) + 1);
}

function checkDeadlines(queue: TimedRequestQueue): void {
  queue.deadlineTimer = undefined;
  queue.deadlineAt = undefined;
  const now = Date.now();
  let next: number | undefined;
  for (const request of [...queue.inflight.values()]) {
    if (request.sentAt === null) continue;
    const deadline = request.sentAt + request.requestTimeout;
    if (now - request.sentAt > request.requestTimeout) request.timeoutRequest();
    else if (next === undefined || deadline < next) next = deadline;
  }
  if (next !== undefined) armDeadline(queue, next);
}

/**
 * kafkajs' `Encoder` allocates `Buffer.alloc(Encoder.nextPowerOfTwo(initialSize))` in its constructor and grows in
 * `ensureAvailable`, which every write calls first. The static is used nowhere else: answering 0 makes the constructor
 * allocate nothing, and the growth below allocates on the first write.
 */
function cheaperEncoders(require: NodeJS.Require): void {
  const Encoder = require('kafkajs/src/protocol/encoder.js') as EncoderClass;
  Encoder.nextPowerOfTwo = () => 0;
  Encoder.prototype.ensureAvailable = function ensureAvailable(this: EncoderClass['prototype'], length: number) {
    const needed = this.offset + length;
    if (needed <= this.buf.length) return;
    // The next power of two above what is needed, as kafkajs grows, but without zero-filling it.
    const grown = Buffer.allocUnsafe(Math.max(MIN_ENCODER_BYTES, 2 ** (32 - Math.clz32(needed))));
    this.buf.copy(grown, 0, 0, this.offset);
    this.buf = grown;
  };
}

/**
 * The record batch encoder takes its checksum function when kafkajs first loads it (at the first produce): the
 * module it takes it from answers {@link crc32c} from then on. Should the encoder be loaded already (a produce before
 * the fixes, which `createKafka` rules out), it keeps kafkajs' own, which gives the same values.
 */
function fasterRecordChecksums(require: NodeJS.Require): void {
  if (require.cache[require.resolve('kafkajs/src/protocol/recordBatch/v0/index.js')]) return;
  const path = require.resolve('kafkajs/src/protocol/recordBatch/crc32C/index.js');
  require(path);
  require.cache[path]!.exports = crc32c;
}

/**
 * Produce requests (v3 to v7, which all build on v3's encoder) encoded in one buffer of the exact size instead of
 * nested, copied encoders (`produce-request.ts`). kafkajs loads a request version when it first sends one; should it
 * have loaded v3 already (a produce before the fixes, which `createKafka` rules out), its own encoder stays.
 */
function produceRequestsInOneBuffer(require: NodeJS.Require): void {
  const path = require.resolve('kafkajs/src/protocol/requests/produce/v3/request.js');
  if (require.cache[path]) return;
  const original = require(path) as (args: ProduceRequestArgs) => ProduceRequest;
  const Encoder = require('kafkajs/src/protocol/encoder.js') as { prototype: object };
  const Long = require('kafkajs/src/utils/long.js') as LongClass;
  require.cache[path]!.exports = oneBufferProduceRequests(original, Encoder, Long);
}

/**
 * Fetched records decoded with numbers instead of BigInt `Long`s (`record-decoder.ts`), into the same objects. The
 * record batch decoder takes the record decoder when kafkajs first loads it (at the first fetch that holds records);
 * should it be loaded already (a fetch before the fixes, which `createKafka` rules out), kafkajs' own stays.
 */
function recordsDecodedWithoutLongs(require: NodeJS.Require): void {
  if (require.cache[require.resolve('kafkajs/src/protocol/recordBatch/v0/decoder.js')]) return;
  const path = require.resolve('kafkajs/src/protocol/recordBatch/record/v0/decoder.js');
  const original = require(path) as RecordDecoder;
  const { LOG_APPEND_TIME } = require('kafkajs/src/protocol/timestampTypes.js') as { LOG_APPEND_TIME: number };
  require.cache[path]!.exports = recordDecoderWithoutLongs(original, LOG_APPEND_TIME);
}

interface BatchLike {
  isEmpty(): boolean;
  isEmptyDueToFiltering(): boolean;
}

/**
 * kafkajs' consumer turns every partition of a fetch response into a batch, records or not, and runs each through its
 * worker queue (a promise, a worker hand-off and a heartbeat check apiece) only to drop the empty ones there. A fetch
 * spans every assigned partition — the retry tiers' consumer 54 — and at moderate rates or idle nearly all are empty.
 * The consumer group's fetch now answers only the batches that hold records or that kafkajs must still see to move
 * past filtered ones (control records, aborted transactions, compacted offsets). When nothing is left, kafkajs'
 * runner heartbeats as it does after an empty fetch, and its fetcher fetches again.
 */
function fetchesWithoutEmptyBatches(require: NodeJS.Require): void {
  const ConsumerGroup = require('kafkajs/src/consumer/consumerGroup.js') as { prototype: { fetch(nodeId: number): Promise<BatchLike[]> } };
  const fetch = ConsumerGroup.prototype.fetch;
  ConsumerGroup.prototype.fetch = async function fetchNonEmpty(this: unknown, nodeId: number) {
    const batches = await fetch.call(this, nodeId);
    return batches.filter((b) => !b.isEmpty() || b.isEmptyDueToFiltering());
  };
}
