import { createHash, randomBytes } from 'node:crypto';

/** Random bytes drawn in blocks: one `randomBytes` call per id costs more than the rest of the id. */
const POOL_SIZE = 4_096;
let pool = Buffer.alloc(0);
let poolAt = POOL_SIZE;

function random16(): Buffer {
  if (poolAt + 16 > pool.length) {
    pool = randomBytes(POOL_SIZE);
    poolAt = 0;
  }
  const out = Buffer.from(pool.subarray(poolAt, poolAt + 16));
  poolAt += 16;
  return out;
}

/**
 * A UUIDv7 (RFC 9562) as 32 lowercase hex digits: time-ordered, so ids sort by creation and index well.
 * `now` is injectable for tests.
 */
export function uuidv7Hex(now: number = Date.now()): string {
  const bytes = random16();
  // 48-bit big-endian unix milliseconds.
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x70;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  return bytes.toString('hex');
}

/** A new prefixed id, e.g. `newId('evt')` → `evt_0193…`. */
export function newId(prefix: string, now?: number): string {
  return `${prefix}_${uuidv7Hex(now)}`;
}

/** Deterministic delivery id for one (event, endpoint) pair, so re-processing an event never duplicates it. */
export function deliveryIdFor(eventId: string, endpointId: string): string {
  return `dlv_${createHash('sha256').update(`${eventId}\u0000${endpointId}`).digest('hex').slice(0, 32)}`;
}

/**
 * Event id for a record that a producer published straight to Kafka without an `id`: derived from its
 * position, so every consumer (dispatcher, tracker) and every re-consumption derive the same id.
 */
export function eventIdForRecord(topic: string, partition: number, offset: string): string {
  return `evt_${createHash('sha256').update(`${topic}/${partition}/${offset}`).digest('hex').slice(0, 32)}`;
}
