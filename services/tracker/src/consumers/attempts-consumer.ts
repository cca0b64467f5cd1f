import { attemptRecord, decodeRecord, type AttemptRecord, type TopicNames } from '@hookline/contracts';
import { sendToInvalid } from '@hookline/kafka';
import type { Logger } from '@hookline/telemetry';
import type { Consumer, EachBatchPayload, Producer } from 'kafkajs';
import type { AttemptWriter } from '../domain/attempt-writer.ts';

/**
 * Consumes the attempts topic in batches: decodes every record (invalid ones go to the invalid topic), writes
 * the valid ones in one transaction, and only then resolves and commits the offsets. A crash before the commit
 * re-delivers the batch, which the idempotent writer absorbs.
 */
export class AttemptsConsumer {
  readonly #consumer: Consumer;
  readonly #producer: Producer;
  readonly #writer: AttemptWriter;
  readonly #topics: TopicNames;
  readonly #log: Logger;

  constructor(deps: { consumer: Consumer; producer: Producer; writer: AttemptWriter; topics: TopicNames; log: Logger }) {
    this.#consumer = deps.consumer;
    this.#producer = deps.producer;
    this.#writer = deps.writer;
    this.#topics = deps.topics;
    this.#log = deps.log;
  }

  async start(): Promise<void> {
    await this.#consumer.connect();
    await this.#consumer.subscribe({ topic: this.#topics.attempts, fromBeginning: true });
    await this.#consumer.run({ eachBatchAutoResolve: false, partitionsConsumedConcurrently: 2, eachBatch: (p) => this.#handle(p) });
  }

  async #handle({ batch, resolveOffset, commitOffsetsIfNecessary, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    if (!isRunning() || isStale()) return;
    const valid: AttemptRecord[] = [];
    for (const message of batch.messages) {
      const decoded = decodeRecord(attemptRecord, message.value);
      if (decoded.ok) valid.push(decoded.value);
      else {
        this.#log.warn({ topic: batch.topic, partition: batch.partition, offset: message.offset, reason: decoded.reason }, 'invalid attempt routed to the invalid topic');
        await sendToInvalid(this.#producer, this.#topics.invalid, { topic: batch.topic, partition: batch.partition, message }, decoded.reason);
      }
    }
    const inserted = await this.#writer.insertMany(valid);
    this.#log.debug({ partition: batch.partition, records: batch.messages.length, inserted }, 'attempt batch written');
    resolveOffset(batch.lastOffset());
    await commitOffsetsIfNecessary();
    await heartbeat();
  }

  stop(): Promise<void> {
    return this.#consumer.disconnect();
  }
}
