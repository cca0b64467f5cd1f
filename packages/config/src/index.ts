export { ConfigError } from './errors.ts';
export { booleanFlag, cidrList, dnsServerList, duration, encryptionKey, encryptionKeyBytes, parseDuration, port, positiveInt } from './fields.ts';
export {
  drainBudgetMs,
  endpointDefaultsFragment,
  httpFragment,
  kafkaFragment,
  memoryFragment,
  pgFragment,
  shutdownFragment,
  targetsFragment,
  telemetryFragment,
  type KafkaConfig,
  type PgConfig,
} from './fragments.ts';
export { describeConfig, loadConfig } from './load-config.ts';
export {
  routingSelector,
  SCHEMA_NAME_SELECTOR,
  sourceTopicsFragment,
  topicRouting,
  type SourceTopicMapping,
  type TopicRouting,
} from './source-topics.ts';
