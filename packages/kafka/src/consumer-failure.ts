import type { Consumer } from 'kafkajs';
import type { KafkaLogSink } from './logger.ts';

/**
 * Resolves with the error when kafkajs gives up on a consumer: a crash it does not restart from (a non-retriable
 * error, or retries exhausted with restarts off). Such a consumer stays stopped while the process looks alive, so
 * the service should stop and be restarted (see `runService`). Crashes kafkajs restarts from are only logged.
 */
export function whenConsumersGiveUp(consumers: readonly Consumer[], log: KafkaLogSink): Promise<Error> {
  return new Promise((resolve) => {
    for (const consumer of consumers) {
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        if (payload.restart) {
          log.warn({ err: payload.error, group_id: payload.groupId }, 'consumer crashed; kafkajs restarts it');
          return;
        }
        log.error({ err: payload.error, group_id: payload.groupId }, 'consumer crashed and will not be restarted');
        resolve(payload.error);
      });
    }
  });
}
