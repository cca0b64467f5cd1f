import { Kafka, logLevel } from 'kafkajs';
import { applyKafkajsFixes } from './kafkajs-fixes.ts';
import { kafkaLogCreator, type KafkaLogSink } from './logger.ts';
import { countRequests } from './request-counts.ts';

applyKafkajsFixes();

/** What a Kafka client needs: the validated `kafkaFragment` values. */
export interface KafkaClientOptions {
  brokers: string;
  clientId: string;
  log?: KafkaLogSink;
}

/**
 * A kafkajs client for the comma-separated broker list, logging through the service logger; its producers,
 * consumers and admins count their requests (`registerKafkaRequestMetrics`).
 */
export function createKafka({ brokers, clientId, log }: KafkaClientOptions): Kafka {
  return countRequests(new Kafka({
    clientId,
    brokers: brokers.split(',').map((b) => b.trim()).filter(Boolean),
    connectionTimeout: 3_000,
    requestTimeout: 30_000,
    retry: { initialRetryTime: 100, retries: 8, maxRetryTime: 5_000 },
    logLevel: log ? logLevel.WARN : logLevel.NOTHING,
    ...(log ? { logCreator: kafkaLogCreator(log) } : {}),
  }));
}
