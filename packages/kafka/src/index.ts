export { createKafka, type KafkaClientOptions } from './client.ts';
export { sendToInvalid } from './invalid-records.ts';
export { registerLagMetrics, type LagSource } from './lag-metrics.ts';
export { kafkaLogCreator, type KafkaLogSink } from './logger.ts';
export { ACKS_ALL, createProducer } from './producer.ts';
export { openKafka, type KafkaHandles } from './open-kafka.ts';
export { ensureTopics, type TopicSpec } from './topic-admin.ts';
export { extractTraceContext, headerString, injectTraceHeaders } from './trace-headers.ts';
export { headersFor, processTraced, recordFailure, sendTraced, startProcessSpan } from './tracing.ts';
