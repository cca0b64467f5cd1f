import { logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { kafkaLogCreator, kafkaLogLevel } from './logger.ts';

const entry = (message: string, fields: Record<string, unknown> = {}) => ({ timestamp: '', logger: 'kafkajs', message, ...fields });

describe('kafkaLogLevel', () => {
  it('puts broker answers that kafkajs retries at debug', () => {
    expect(kafkaLogLevel(logLevel.ERROR, entry('Response Metadata(key: 3, version: 6)', { error: 'This server is not the leader for that topic-partition' }))).toBe('debug');
    expect(kafkaLogLevel(logLevel.ERROR, entry('Response FindCoordinator(key: 10)', { error: "The coordinator is loading and hence can't process requests for this group" }))).toBe('debug');
    expect(kafkaLogLevel(logLevel.ERROR, entry('Failed to send messages: This server does not host this topic-partition', { retryCount: 0, retryTime: 100 }))).toBe('debug');
  });

  it('puts the error answers a connection logs at debug: the caller gets the same error and handles or reports it', () => {
    expect(kafkaLogLevel(logLevel.ERROR, entry('Response CreateTopics(key: 19, version: 3)', { error: 'Topic creation errors' }), 'Connection')).toBe('debug');
    expect(kafkaLogLevel(logLevel.ERROR, entry('Response CreateTopics(key: 19, version: 3)', { error: 'Topic creation errors' }), 'Admin')).toBe('error');
  });

  it('keeps answers that are not retried at error, and other retries at warn', () => {
    expect(kafkaLogLevel(logLevel.ERROR, entry('Response Produce(key: 0)', { error: 'The request included a message larger than the max message size the server will accept' }))).toBe('error');
    expect(kafkaLogLevel(logLevel.ERROR, entry('Crash: KafkaJSNumberOfRetriesExceeded: boom'))).toBe('error');
    expect(kafkaLogLevel(logLevel.ERROR, entry('Failed to connect to seed broker, trying another broker from the list: Connection error: connect ECONNREFUSED', { retryCount: 1, retryTime: 300 }))).toBe('warn');
    expect(kafkaLogLevel(logLevel.WARN, entry('w'))).toBe('warn');
    expect(kafkaLogLevel(logLevel.INFO, entry('i'))).toBe('info');
  });

  it('hands the line to the sink with its namespace', () => {
    const seen: Array<[string, object, string | undefined]> = [];
    const sink = Object.fromEntries((['debug', 'info', 'warn', 'error'] as const).map((l) => [l, (obj: object, msg?: string) => seen.push([l, obj, msg])])) as never;
    kafkaLogCreator(sink)(logLevel.WARN)({ namespace: 'Connection', level: logLevel.ERROR, label: 'ERROR', log: entry('Response Fetch', { error: 'There is no leader for this topic-partition as we are in the middle of a leadership election' }) });
    expect(seen).toEqual([['debug', expect.objectContaining({ kafkajs: 'Connection', error: expect.any(String) }), 'Response Fetch']]);
  });
});
