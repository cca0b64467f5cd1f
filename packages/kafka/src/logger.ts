import { createRequire } from 'node:module';
import { logLevel, type LogEntry, type logCreator } from 'kafkajs';

/** The slice of a pino logger this package needs (declared here so the package does not depend on pino). */
export interface KafkaLogSink {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** The protocol's own list of error answers a client retries (kafkajs' table, so the two never disagree). */
const retriableAnswers: ReadonlySet<string> = (() => {
  const require = createRequire(import.meta.url);
  const { errorCodes } = require('kafkajs/src/protocol/error.js') as { errorCodes: Array<{ message: string; retriable: boolean }> };
  return new Set(errorCodes.filter((e) => e.retriable).map((e) => e.message));
})();

const isRetriableAnswer = (text: unknown): boolean =>
  typeof text === 'string' && (retriableAnswers.has(text) || retriableAnswers.has(text.slice(text.indexOf(': ') + 2)));

/**
 * The level a kafkajs line deserves. kafkajs logs every error answer of the broker at ERROR, including the ones
 * it retries by itself (a coordinator still loading, a partition whose leader is moving: routine while topics and
 * groups come up) and, from a connection, every error answer it also raises to the caller: those go to debug. A retry of anything else (a refused connection) is a warning; what kafkajs
 * gives up on still reaches the caller as an error.
 */
export function kafkaLogLevel(level: logLevel, log: LogEntry['log'], namespace = ''): 'error' | 'warn' | 'info' | 'debug' {
  if (level === logLevel.ERROR) {
    const fields = log as Record<string, unknown>;
    // A connection logs every error answer it reads, and kafkajs raises the same error to the caller, which handles it
    // (a topic another service created first) or reports it: at error level it would be said twice.
    if (namespace === 'Connection' && log.message.startsWith('Response ')) return 'debug';
    if (isRetriableAnswer(fields.error) || ('retryCount' in fields && isRetriableAnswer(log.message))) return 'debug';
    if ('retryCount' in fields) return 'warn';
    return 'error';
  }
  if (level === logLevel.WARN) return 'warn';
  if (level === logLevel.INFO) return 'info';
  return 'debug';
}

/** Routes kafkajs's own log lines into the service logger, tagged with the kafkajs namespace. */
export function kafkaLogCreator(sink: KafkaLogSink): logCreator {
  return () =>
    ({ namespace, level, log }) => {
      const { message, ...rest } = log;
      sink[kafkaLogLevel(level, log, namespace)]({ kafkajs: namespace, ...rest }, message);
    };
}
