export { emptyStatementCatchesUp, listenChannel, type ChannelListener } from './channel-listener.ts';
export { listenEndpointChanges, type EndpointChangesListener } from './endpoint-changes.ts';
export { listenPullMessages, type PullMessageWakeups } from './pull-message-wakeups.ts';
export { PULL_MESSAGES_CHANNEL, PullMessagesRepository, type NewPullMessage, type PullMessage } from './repositories/pull-messages-repository.ts';
export { migrate, MIGRATIONS_DIR, type MigrateOptions } from './migrate.ts';
export { openDatabase } from './open-database.ts';
export { createPool, pingDatabase, type PoolOptions } from './pool.ts';
export { AttemptsRepository, type AttemptRow } from './repositories/attempts-repository.ts';
export {
  ENDPOINT_CHANGES_CHANNEL,
  EndpointDirectoryRepository,
  type DirectoryApplication,
  type DirectoryEndpoint,
  type DirectorySecret,
} from './repositories/endpoint-directory-repository.ts';
export {
  EndpointHealthRepository,
  type CircuitState,
  type EndpointHealth,
} from './repositories/endpoint-health-repository.ts';
export {
  DeliveriesRepository,
  type Delivery,
  type RequeueBatch,
  type RequeueFilter,
} from './repositories/deliveries-repository.ts';
export { EndpointStatsRepository, type EndpointHealthLine, type EndpointStats } from './repositories/endpoint-stats-repository.ts';
export { EventsRepository, type ListEventsOptions, type StoredEvent } from './repositories/events-repository.ts';
export { decodeCursor, encodeCursor, type Page } from './repositories/page-cursor.ts';
export {
  EndpointsRepository,
  type Endpoint,
  type EndpointPatch,
  type NewEndpoint,
  type EndpointOrdering,
  type OrderingOnDead,
  type SignatureScheme,
} from './repositories/endpoints-repository.ts';
export {
  OrderedDeliveriesRepository,
  type BlockedKey,
  type OrderedAdmission,
  type OrderedState,
  type ReleasedDelivery,
} from './repositories/ordered-deliveries-repository.ts';
export { kafkaUrl, type EndpointType, type KafkaDestination, type KafkaDestinationView, type SaslMechanism } from './repositories/kafka-destination.ts';
export { RequeueJobsRepository, type RequeueJob } from './repositories/requeue-jobs-repository.ts';
export {
  EventTypesRepository,
  type EventType,
  type EventTypeInput,
  type RecordFormat,
  type SchemaFormat,
} from './repositories/event-types-repository.ts';
export { IdempotencyRepository, type Reservation } from './repositories/idempotency-repository.ts';
export { TenantsRepository } from './repositories/tenants-repository.ts';
export { generateEncryptionKey, SecretBox } from './secret-box.ts';
export {
  ApplicationsRepository,
  DEFAULT_APPLICATION_NAME,
  UidTakenError,
  type Application,
  type ApplicationPatch,
  type NewApplication,
} from './repositories/applications-repository.ts';
export {
  PORTAL_TOKEN_PREFIX,
  PortalSessionsRepository,
  type PortalSession,
  type PortalTheme,
} from './repositories/portal-sessions-repository.ts';
export {
  SOURCE_TOKEN_PREFIX,
  SourcesRepository,
  type NewSource,
  type Source,
  type SourcePatch,
  type SourceWithSecrets,
} from './repositories/sources-repository.ts';
export { SourceRequestsRepository, type NewSourceRequest, type SourceRequest } from './repositories/source-requests-repository.ts';
