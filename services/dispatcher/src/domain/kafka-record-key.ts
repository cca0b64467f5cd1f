import type { DeliveryRecord } from '@hookline/contracts';

/**
 * The record key a Kafka destination's `key` setting gives a delivery: `eventId`; `orderingKey` (the event's ordering
 * key once events carry one, else the event id); otherwise a dotted path into the event's data, whose string, number
 * or boolean value is the key (null — no key, the default partitioner spreads the records — when absent or not a scalar).
 */
export function kafkaRecordKey(delivery: DeliveryRecord & { orderingKey?: string | undefined }, key: string): string | null {
  if (key === 'eventId') return delivery.eventId;
  if (key === 'orderingKey') return delivery.orderingKey ?? delivery.eventId;
  let value: unknown = delivery.data;
  for (const part of key.split('.')) {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || !Object.hasOwn(value, part)) return null;
    value = (value as Record<string, unknown>)[part];
  }
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : null;
}

/** The record headers of a webhook produced to Kafka: the request's headers but the HTTP client's own (user-agent). */
export function kafkaRecordHeaders(headers: Record<string, string>): Record<string, string> {
  const { 'user-agent': _ua, ...rest } = headers;
  return rest;
}
