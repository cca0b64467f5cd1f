import { booleanFlag, duration, encryptionKey, endpointDefaultsFragment, httpFragment, kafkaFragment, memoryFragment, parseDuration, pgFragment, positiveInt, shutdownFragment, sourceTopicsFragment, targetsFragment, telemetryFragment } from '@hookline/config';
import { z } from 'zod';

/** `RETRY_SCHEDULE`: comma-separated durations, each ≥ 1 ms, at least one. */
const retrySchedule = z
  .string()
  .default('5s,5m,30m,2h,5h,10h,14h,20h,24h')
  .transform((text, ctx) => {
    const steps = text.split(',').map((s) => parseDuration(s.trim()));
    if (steps.length === 0 || steps.some((s) => s === undefined || s < 1)) {
      ctx.addIssue({ code: 'custom', message: `"${text}" is not a comma-separated list of durations such as 5s,5m,30m` });
      return z.NEVER;
    }
    return steps as number[];
  });

/** Every variable the dispatcher reads. */
export const dispatcherConfigShape = {
  ...kafkaFragment,
  ...pgFragment,
  ...httpFragment(8081),
  ...telemetryFragment,
  ...shutdownFragment,
  ...memoryFragment,
  ...targetsFragment,
  ...sourceTopicsFragment,
  ...endpointDefaultsFragment,
  METRICS_APPLICATION_LABELS: booleanFlag(true).describe(
    'Count delivery attempts per application (hookline_application_delivery_attempts_total{application_id}); set false with very many applications.',
  ),
  METRICS_ENDPOINT_LABELS: booleanFlag(false).describe(
    'true adds hookline_endpoint_delivery_attempts_total with an endpoint_id label (one series per endpoint and outcome: mind the cardinality).',
  ),
  ENCRYPTION_KEY: encryptionKey().describe('The same key as ingest (32 bytes as 64 hex digits or base64): decrypts endpoint signing secrets. Required.'),
  DELIVERY_CONCURRENCY: positiveInt(6).describe('Partitions of the deliveries topic processed concurrently by one instance.'),
  DELIVERY_MAX_IN_FLIGHT: positiveInt(1_000).describe(
    'Deliveries one instance holds in flight at most (all partitions together); fetching waits above it.',
  ),
  RETRY_SCHEDULE: retrySchedule.describe(
    'Delays before each retry (comma-separated durations, ±20 % jitter); one retry tier topic per distinct step. After the last, the delivery is dead (dead-letter topic).',
  ),
  CIRCUIT_ERROR_THRESHOLD_PERCENT: positiveInt(50).describe('A breaker opens when at least this percentage of requests in the window failed.'),
  CIRCUIT_VOLUME_THRESHOLD: positiveInt(10).describe('Requests in the window before a breaker may open.'),
  CIRCUIT_WINDOW: duration('30s').describe('Rolling window over which a breaker counts failures.'),
  CIRCUIT_RESET_TIMEOUT: duration('30s').describe('How long a breaker stays open before one half-open probe.'),
  CIRCUIT_MAX_BREAKERS: positiveInt(10_000).describe('Breakers kept in memory (least recently used evicted).'),
  ENDPOINT_DISABLE_AFTER: duration('5d').describe('An endpoint failing with no success for this long is disabled (reason failing).'),
  OPERATIONAL_WEBHOOK_URL: z.url().optional().describe('Where operational events are also delivered, signed. Unset: topic only.'),
  OPERATIONAL_WEBHOOK_SECRET: z
    .string()
    .optional()
    .describe('whsec_ secret signing operational webhooks. Required with OPERATIONAL_WEBHOOK_URL.'),
};

export type DispatcherConfig = z.infer<z.ZodObject<typeof dispatcherConfigShape>>;
