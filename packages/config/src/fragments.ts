import { z } from 'zod';
import { booleanFlag, cidrList, dnsServerList, port, positiveInt } from './fields.ts';

/** Kafka connection and naming. */
export const kafkaFragment = {
  KAFKA_BROKERS: z
    .string()
    .default('127.0.0.1:9092')
    .describe('Comma-separated bootstrap brokers (host:port). Default: the local launcher on 127.0.0.1:9092.'),
  KAFKA_CLIENT_ID: z.string().optional().describe('Kafka client id; defaults to the service name.'),
  TOPIC_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,100}$/)
    .default('hookline')
    .describe('Prefix of every topic and consumer group (hookline.events, hookline.attempts, ...).'),
  TOPIC_PARTITIONS: positiveInt(6).describe('Partitions for topics the service creates when they are missing.'),
  TOPIC_REPLICATION_FACTOR: positiveInt(1).describe('Replication factor for topics the service creates.'),
};

/** PostgreSQL connection. */
export const pgFragment = {
  DATABASE_URL: z
    .string()
    .default('postgres://postgres@127.0.0.1:55432/hookline')
    .describe('PostgreSQL connection URL. Default: the local throwaway cluster of `npm run pg:start`.'),
  DATABASE_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/)
    .default('public')
    .describe('Schema holding Hookline tables (tests use one schema per test file).'),
  DATABASE_POOL_MAX: positiveInt(10).describe('Maximum connections in the pool of each service.'),
};

/** The HTTP listener every service has (API on ingest; health and metrics on the others). */
export const httpFragment = (defaultPort: number) => ({
  HTTP_HOST: z.string().default('127.0.0.1').describe('Address the HTTP server binds to (0.0.0.0 in containers).'),
  HTTP_PORT: port(defaultPort).describe('Port of the HTTP server.'),
});

const otlpProtocol = z.enum(['http/protobuf', 'http/json', 'grpc']);

/** Logging and OpenTelemetry switches (the OTLP exporter itself reads the standard OTEL_EXPORTER_OTLP_* endpoint variables). */
export const telemetryFragment = {
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info').describe('pino log level.'),
  LOG_FORMAT: z
    .enum(['json', 'pretty'])
    .default('json')
    .describe('json: one JSON object a line (for log shippers). pretty: one coloured human line a line (npm start sets it unless LOG_FORMAT is set).'),
  NO_COLOR: z.string().optional().describe('Any non-empty value turns colours off in the pretty log format (no-color.org).'),
  OTEL_SDK_DISABLED: booleanFlag(false).describe('true turns OpenTelemetry off entirely.'),
  OTEL_SERVICE_NAME: z.string().optional().describe('Service name on traces; defaults to hookline-<service>.'),
  OTEL_TRACES_SAMPLER: z
    .enum(['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'])
    .default('parentbased_traceidratio')
    .describe('Trace sampler (OpenTelemetry names). The default keeps every trace a caller started sampled and samples OTEL_TRACES_SAMPLER_ARG of the rest.'),
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).default(0.1).describe('Share of new traces sampled by the ratio samplers (0–1).'),
  OTEL_TRACES_EXPORTER: z
    .string()
    .default('otlp')
    .transform((v) => [...new Set(v.split(',').map((s) => s.trim()).filter((s) => s !== '' && s !== 'null'))])
    .pipe(z.array(z.enum(['otlp', 'console', 'none'])))
    .describe('Where sampled spans go: otlp (default), console, or none (spans are neither recorded nor exported; trace context still propagates). Comma-separated for several.'),
  OTEL_EXPORTER_OTLP_PROTOCOL: otlpProtocol.default('http/protobuf').describe('OTLP transport: http/protobuf (default), http/json or grpc. The endpoint, headers and timeout come from the standard OTEL_EXPORTER_OTLP_* variables, read by the exporter.'),
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: otlpProtocol.optional().describe('OTLP transport for traces; overrides OTEL_EXPORTER_OTLP_PROTOCOL.'),
  OTEL_BSP_SCHEDULE_DELAY: z.coerce.number().int().min(1).default(5_000).describe('Milliseconds between two exports of the sampled spans waiting (BatchSpanProcessor).'),
  OTEL_BSP_MAX_EXPORT_BATCH_SIZE: z.coerce.number().int().min(1).default(512).describe('Spans per export request at most.'),
  OTEL_BSP_MAX_QUEUE_SIZE: z.coerce.number().int().min(1).default(2_048).describe('Sampled spans waiting for export at most; more are dropped (never held up).'),
  OTEL_BSP_EXPORT_TIMEOUT: z.coerce.number().int().min(1).default(30_000).describe('Milliseconds an export may take.'),
  OTEL_PROPAGATORS: z
    .string()
    .default('tracecontext,baggage')
    .transform((v) => [...new Set(v.split(',').map((s) => s.trim()).filter(Boolean))])
    .pipe(z.array(z.enum(['tracecontext', 'baggage', 'none'])))
    .describe('Context propagation formats on Kafka records and webhooks: tracecontext and baggage (W3C; default both), or none.'),
};

/** Which webhook targets are acceptable: checked by ingest when an endpoint is saved and by the dispatcher at connect time. */
export const targetsFragment = {
  ALLOW_HTTP_TARGETS: booleanFlag(false).describe('true accepts http:// endpoint URLs (local demos, tests); otherwise https only.'),
  ALLOW_PRIVATE_TARGETS: booleanFlag(false).describe('true accepts targets on loopback, private, link-local and metadata addresses.'),
  TARGET_ALLOWLIST: cidrList().describe('Comma-separated CIDRs accepted even though private (e.g. 10.1.0.0/16). Default: none.'),
  DNS_SERVERS: dnsServerList().describe(
    'Comma-separated DNS servers (IP, IP:port, [IPv6]:port) that resolve endpoint host names for the target checks and the deliveries, asked directly with no cache. Default: the system resolver (getaddrinfo, /etc/hosts included).',
  ),
};

/**
 * What an endpoint gets when it sets no timeout or concurrency of its own: the dispatcher delivers with these, and
 * ingest shows them on the endpoint (so both read the same variables).
 */
export const endpointDefaultsFragment = {
  DELIVERY_TIMEOUT_MS: positiveInt(5_000).describe('Timeout of one delivery (connect, headers and body) when the endpoint sets none, in milliseconds.'),
  ENDPOINT_MAX_CONCURRENCY: positiveInt(10).describe('Requests in flight to one endpoint when the endpoint sets no maxConcurrency.'),
};

/** How long a service may take to stop after SIGTERM before it exits anyway. */
export const shutdownFragment = {
  SHUTDOWN_TIMEOUT_MS: positiveInt(10_000).describe(
    'Milliseconds allowed for a clean shutdown after SIGTERM: consumers let in-flight work finish for up to this less 3 s, commit what finished and leave their groups; a consumer the broker keeps waiting (a join held for a member that went away without leaving) is left behind, its partitions moving when its session ends. Past this the process exits 1.',
  ),
};

/** Whether an idle service gives back the memory a load made it grow (every service; off by default). */
export const memoryFragment = {
  IDLE_MEMORY_RELEASE: booleanFlag(false).describe(
    'true: once a service has been idle for 10 s (event loop under 5 % busy) and its resident memory grew 32 MiB or more since it last gave memory back (with SERVICES_RUN_AS=thread: its own thread\'s heap and buffers grew 16 MiB or more), it runs one low-memory garbage collection (blocks it for tens of milliseconds) and returns the freed memory to the system — about half the three services\' memory after a load, for more CPU per event and a longer p99 at moderate rates afterwards (the young generation starts small again; bench/RESULTS.md). false (default): a service keeps what V8 grew until the process ends.',
  ),
};

/**
 * How long a stopping service lets in-flight work finish: its shutdown timeout less 3 s for the commits and
 * disconnects that follow (at least 0.5 s).
 */
export function drainBudgetMs(shutdownTimeoutMs: number): number {
  return Math.max(500, shutdownTimeoutMs - 3_000);
}

/** The validated values of {@link kafkaFragment}. */
export type KafkaConfig = z.infer<z.ZodObject<typeof kafkaFragment>>;
/** The validated values of {@link pgFragment}. */
export type PgConfig = z.infer<z.ZodObject<typeof pgFragment>>;
