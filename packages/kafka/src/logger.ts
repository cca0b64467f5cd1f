import { logLevel, type logCreator } from 'kafkajs';

/** The slice of a pino logger this package needs (declared here so the package does not depend on pino). */
export interface KafkaLogSink {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Routes kafkajs's own log lines into the service logger, tagged with the kafkajs namespace. */
export function kafkaLogCreator(sink: KafkaLogSink): logCreator {
  return () =>
    ({ namespace, level, log }) => {
      const { message, ...rest } = log;
      const obj = { kafkajs: namespace, ...rest };
      if (level === logLevel.ERROR) sink.error(obj, message);
      else if (level === logLevel.WARN) sink.warn(obj, message);
      else if (level === logLevel.INFO) sink.info(obj, message);
      else sink.debug(obj, message);
    };
}
