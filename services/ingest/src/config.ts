import { cidrList, duration, encryptionKey, endpointDefaultsFragment, httpFragment, kafkaFragment, memoryFragment, pgFragment, positiveInt, shutdownFragment, targetsFragment, telemetryFragment } from '@hookline/config';
import { z } from 'zod';

/** Every variable the ingest service reads. */
export const ingestConfigShape = {
  ...kafkaFragment,
  ...pgFragment,
  ...httpFragment(8080),
  ...telemetryFragment,
  ...shutdownFragment,
  ...memoryFragment,
  ...targetsFragment,
  ...endpointDefaultsFragment,
  ADMIN_TOKEN: z
    .string()
    .min(16, 'must be at least 16 characters')
    .optional()
    .describe('Bearer token of the admin API (creating tenants). Unset: the admin API answers 401 (npm start generates one).'),
  ENCRYPTION_KEY: encryptionKey().describe('32-byte key (64 hex digits or base64) encrypting endpoint secrets at rest (AES-256-GCM). Required.'),
  HTTP_REQUEST_TIMEOUT: duration('30s', 600_000)
    .refine((ms) => ms > 0, 'must be longer than 0')
    .describe('Time a client has to send a whole request, headers and body (408 and the connection closed after it, within a second): slow or endless bodies cannot hold a connection.'),
  MAX_PAYLOAD_BYTES: positiveInt(262_144).describe('Largest accepted request body in bytes (413 above).'),
  PUBLISH_TIMEOUT_MS: positiveInt(30_000).describe('How long a publish waits for the Kafka acknowledgement before 503.'),
  SECRET_ROTATION_GRACE: duration('24h').describe('How long a rotated-out endpoint secret keeps signing alongside the new one.'),
  TENANT_PUBLISH_RATE: positiveInt(10_000).describe('Events per second each tenant may publish (token bucket, burst of one second); 429 above.'),
  REQUEUE_BATCH_SIZE: positiveInt(500).describe('Deliveries per batch of a replay, recover or redrive job (each batch is marked and produced before the next).'),
  PUBLIC_URL: z
    .string()
    .url()
    .optional()
    .describe('Where users reach this API and the portal (e.g. https://hooks.example.com): the base of portal magic links. Unset: the origin each request came to.'),
  DISPATCHER_METRICS_URL: z.string().url().optional().describe("The dispatcher's /metrics, read for the console's System page (npm start sets it)."),
  TRACKER_METRICS_URL: z.string().url().optional().describe("The tracker's /metrics, read for the console's System page (npm start sets it)."),
  SOURCE_REQUEST_RETENTION: duration('7d')
    .refine((ms) => ms >= 60_000, 'must be at least 1m')
    .describe("How long each inbound source request is kept in the source's request log (GET /v1/sources/{id}/requests); older rows are deleted every 10 minutes."),
  INBOUND_TRUSTED_PROXIES: cidrList().describe(
    'Comma-separated CIDRs of reverse proxies in front of ingest: a request from one of them is attributed to the address X-Forwarded-For names (read from the right, skipping these proxies) for source IP allowlists. Default: none (the connection\'s address, X-Forwarded-For ignored).',
  ),
  SCHEMA_REGISTRY_URL: z
    .preprocess((v) => (v === 'none' || v === '' ? undefined : v), z.string().url().optional())
    .describe('Confluent-compatible Schema Registry (e.g. Apicurio at /apis/ccompat/v7) where event type schemas are registered. Unset or none: schemas live in PostgreSQL only.'),
};

export type IngestConfig = z.infer<z.ZodObject<typeof ingestConfigShape>>;
