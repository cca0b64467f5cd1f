import { booleanFlag, httpFragment, kafkaFragment, pgFragment, positiveInt, shutdownFragment, telemetryFragment } from '@hookline/config';
import { z } from 'zod';

/** Every variable the dispatcher reads. */
export const dispatcherConfigShape = {
  ...kafkaFragment,
  ...pgFragment,
  ...httpFragment(8081),
  ...telemetryFragment,
  ...shutdownFragment,
  ENCRYPTION_KEY: z.string().describe('The same key as ingest: decrypts endpoint signing secrets. Required.'),
  DELIVERY_TIMEOUT_MS: positiveInt(5_000).describe('Timeout of one delivery (connect, headers and body) when the endpoint sets none.'),
  DELIVERY_CONCURRENCY: positiveInt(6).describe('Partitions of the deliveries topic processed concurrently by one instance.'),
  ALLOW_HTTP_TARGETS: booleanFlag(false).describe('true allows delivering to http:// URLs.'),
  ALLOW_PRIVATE_TARGETS: booleanFlag(false).describe('true allows delivering to loopback/private addresses.'),
};

export type DispatcherConfig = z.infer<z.ZodObject<typeof dispatcherConfigShape>>;
