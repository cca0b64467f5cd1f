// The shapes the pages read, as docs/applications.md and README's HTTP API describe them.

/** A page of a list route. */
export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export interface Application {
  id: string;
  uid: string | null;
  name: string;
  metadata: Record<string, unknown>;
  rateLimitPerSecond: number | null;
  default: boolean;
  createdAt: string;
  updatedAt: string;
  /** Its endpoint count (lists only). */
  endpoints?: number;
}

export interface Endpoint {
  id: string;
  applicationId?: string;
  url: string;
  description: string | null;
  eventTypes: string[];
  headers: Record<string, string>;
  rateLimitPerSecond: number | null;
  timeoutMs: number | null;
  maxConcurrency: number | null;
  disabled: boolean;
  disabledReason: string | null;
  metadata: Record<string, unknown>;
  /** The content filter (null: every event of its types). */
  filter?: Record<string, unknown> | null;
  createdAt: string;
  updatedAt: string;
  /** `hmac-sha256` (v1, a shared whsec_ secret) or `ed25519` (v1a, verified with the whpk_ public key). */
  signatureScheme?: SignatureScheme;
  secret?: string;
  /** Only when an ed25519 endpoint was just created. */
  publicKey?: string;
  /** `http` (POST to url), `kafka` (a record on `kafka.topic`) or `pull` (read with GET …/messages). */
  type?: EndpointType;
  /** The Kafka destination (kafka endpoints), never with its password or TLS key. */
  kafka?: KafkaDestinationView | null;
  /** A temporary pull endpoint's expiry (renewed by its reads); null: permanent. */
  expiresAt?: string | null;
  /** `key`: one ordering key's events one at a time, in publish order; null: concurrent. */
  ordering?: 'key' | null;
  /** On an ordered endpoint, what a dead delivery does to its key. */
  orderingOnDead?: OrderingOnDead;
}

export type OrderingOnDead = 'skip' | 'block';

export type EndpointType = 'http' | 'kafka' | 'pull';

export interface KafkaDestinationView {
  bootstrapServers: string[];
  topic: string;
  key: string;
  sasl: { mechanism: SaslMechanism; username: string } | null;
  tls: boolean | { ca?: string; cert?: string; rejectUnauthorized?: boolean; hasClientKey: boolean };
}

export type SaslMechanism = 'plain' | 'scram-sha-256' | 'scram-sha-512';

export type SignatureScheme = 'hmac-sha256' | 'ed25519';

export type Circuit = 'closed' | 'open' | 'half_open';

export interface EndpointHealth {
  circuit: Circuit;
  disabled: boolean;
  disabledReason: string | null;
  failingSince: string | null;
  lastSuccessAt: string | null;
  lastFailureAt: string | null;
  attempts1h: number;
  successRate1h: number | null;
  p50Ms: number | null;
  p99Ms: number | null;
}

export interface HealthRow {
  endpointId: string;
  applicationId?: string;
  url: string;
  circuit: Circuit;
  disabled: boolean;
  disabledReason: string | null;
  failingSince: string | null;
  successRate1h: number | null;
  attempts1h: number;
}

export type DeliveryStatus = 'pending' | 'retrying' | 'succeeded' | 'failed' | 'dead';
export const deliveryStatuses: DeliveryStatus[] = ['pending', 'retrying', 'succeeded', 'failed', 'dead'];

export interface EventView {
  id: string;
  applicationId?: string;
  type: string;
  data: unknown;
  /** String metadata the event was published with (what content filters can match); absent: none. */
  metadata?: Record<string, string>;
  createdAt: string;
}

export interface Delivery {
  id?: string;
  endpointId: string;
  status: DeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  lastError?: string | null;
  lastAttemptAt?: string | null;
  nextAttemptAt: string | null;
}

export interface EventDetail extends EventView {
  deliveries: Delivery[];
}

export interface Attempt {
  id: string;
  deliveryId?: string;
  endpointId: string;
  attempt: number;
  outcome: string;
  statusCode: number | null;
  durationMs: number | null;
  error: string | null;
  responseBody: string | null;
  nextAttemptAt: string | null;
  createdAt: string;
}

export interface EventType {
  name: string;
  description: string | null;
  schema: unknown;
  /** Which language the schema is written in (null: none). */
  schemaFormat?: 'json' | 'avro' | 'protobuf' | null;
  avroSchema?: Record<string, unknown> | null;
  protobufSchema?: string | null;
  /** Where the schema is registered (null without a schema registry). */
  subject?: string | null;
  schemaId?: number | null;
  schemaVersion?: number | null;
  createdAt: string;
  updatedAt: string;
}

export interface Job {
  id: string;
  kind: 'replay' | 'recover' | 'redrive';
  status: 'running' | 'completed' | 'failed';
  total: number;
  requeued: number;
  missing: number;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
}

export interface DeadLetter {
  id: string;
  eventId: string;
  endpointId: string;
  applicationId?: string;
  eventType: string | null;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  lastAttemptAt: string | null;
  createdAt: string;
}

export interface Theme {
  primaryColor?: string;
  logoUrl?: string;
  name?: string;
  mode?: 'auto' | 'light' | 'dark';
}

export interface PortalSession {
  id: string;
  applicationId: string;
  application: { id: string; uid: string | null; name: string };
  readOnly: boolean;
  theme: Theme | null;
  expiresAt: string;
}

export interface CreatedPortalSession {
  id: string;
  url: string;
  token: string;
  expiresAt: string;
  readOnly: boolean;
  applicationId: string;
}

export interface ServiceMetrics {
  name: string;
  up: boolean;
  consumerLag: Array<{ group: string; topic: string; lag: number }>;
  counters: Record<string, number>;
}

export interface SystemMetrics {
  sampledAt: string;
  services: ServiceMetrics[];
}
