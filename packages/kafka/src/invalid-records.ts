import { recordHeaders } from '@hookline/contracts';
import type { KafkaMessage, Producer } from 'kafkajs';
import { ACKS_ALL } from './producer.ts';

/**
 * Routes a record that cannot be decoded to the invalid topic, untouched, with the reason and its origin in
 * headers, so a bad record never crashes or stalls a consumer and is never silently dropped.
 */
export async function sendToInvalid(
  producer: Producer,
  invalidTopic: string,
  source: { topic: string; partition: number; message: KafkaMessage },
  reason: string,
): Promise<void> {
  const { topic, partition, message } = source;
  await producer.send({
    topic: invalidTopic,
    acks: ACKS_ALL,
    messages: [
      {
        key: message.key,
        value: message.value,
        headers: {
          ...message.headers,
          [recordHeaders.invalidReason]: reason,
          [recordHeaders.invalidSource]: `${topic}/${partition}/${message.offset}`,
        },
      },
    ],
  });
}
