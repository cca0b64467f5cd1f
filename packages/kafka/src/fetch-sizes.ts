/**
 * The largest record batch a producer may write to Hookline's topics: the broker's default `message.max.bytes`
 * (1 MiB plus the 12-byte batch log overhead), which the topics keep.
 */
export const MAX_RECORD_BATCH_BYTES = 1_048_588;

/**
 * Fetch sizes for Hookline's consumers.
 *
 * `maxBytesPerPartition` must hold the largest record batch. The broker returns an oversized batch whole only for the
 * first partition of a response that has records; for any later one it sends the batch cut short, kafkajs decodes
 * no record from it and asks again from the same offset. While the partitions ahead of it keep having records,
 * that partition is never consumed (seen in the recovery benchmark: two retry-tier partitions never came back, with
 * 256 KiB per partition against the 512 KiB batches the dispatcher writes).
 *
 * `maxBytes` bounds a whole response: a consumed record's value is a slice of its response, so every record in flight
 * keeps its response in memory, and kafkajs' default (10 MiB) costs hundreds of MiB under load.
 */
export const CONSUMER_FETCH_SIZES = { maxBytes: 2 * 1024 * 1024, maxBytesPerPartition: MAX_RECORD_BATCH_BYTES } as const;
