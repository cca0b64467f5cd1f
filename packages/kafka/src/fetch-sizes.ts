/**
 * The largest record batch a producer may write to Hookline's topics: the broker's default `message.max.bytes`
 * (1 MiB plus the 12-byte batch log overhead), which the topics keep.
 */
export const MAX_RECORD_BATCH_BYTES = 1_048_588;

/**
 * The broker returns a record batch larger than a partition's fetch share whole only for the first partition of a
 * response that has records; for any later one it sends the batch cut short, kafkajs decodes no record from it and
 * asks again from the same offset. Such a partition advances only in fetches where it happens to come first (kafkajs
 * shuffles the order), and falls behind the others (test/consumer-fetch-sizes.test.ts shows the broker's side of it).
 * So every consumer's share per partition holds the largest batch written to what it reads.
 *
 * Responses are bounded at a few MiB: a consumed record's value is a slice of its response, so every record in flight
 * keeps its response in memory, and kafkajs' default (10 MiB) costs hundreds of MiB under load.
 */

/** For topics anyone may write (events: producers may publish straight to Kafka): a share holds the broker's largest batch. */
export const CONSUMER_FETCH_SIZES = { maxBytes: 2 * 1024 * 1024, maxBytesPerPartition: MAX_RECORD_BATCH_BYTES } as const;

/**
 * The records' bytes of one `CoalescingSender` produce request (larger sends are split), so a record batch it writes
 * is at most this plus its framing — or one record larger than this on its own.
 */
export const MAX_SEND_BYTES = 512 * 1024;

/**
 * For topics only Hookline writes (deliveries, retry tiers), through `CoalescingSender`: a share holds one of its
 * batches with the framing (~20 bytes a record), and six partitions fit one response — with 1 MiB shares in a 2 MiB
 * response, a fetch held two partitions. A single record larger than a share (an event far above ingest's 256 KiB
 * default payload limit, published straight to Kafka) is read only when its partition comes first in a fetch: slower,
 * never skipped.
 */
export const INTERNAL_FETCH_SIZES = { maxBytes: 4 * 1024 * 1024, maxBytesPerPartition: MAX_SEND_BYTES + 64 * 1024 } as const;
