import { decodeRecord, deliveryRecord, encodeRecord, eventRecord, type DeliveryRecord, type EventRecord } from '@hookline/contracts';
import { seeded } from '@hookline/testing';
import { describe, expect, it } from 'vitest';
import { deliveryRecordFor } from './fanout-records.ts';
import { kafkaRecordKey } from './kafka-record-key.ts';
import { buildWebhookRequest } from './webhook-request.ts';

const KEYS = ['a', 'b', 'id', '__proto__', 'constructor', 'toString', 'é', '', '𝄞', 'x y', '0', 'hasOwnProperty'];

/** Random JSON text of an event envelope whose data nests objects, arrays, odd keys, -0 and lone surrogates. */
function envelope(rng: ReturnType<typeof seeded>): string {
  const value = (depth: number): string => {
    const kind = rng.int(depth >= 4 ? 5 : 7);
    if (kind === 0) return rng.pick(['0', '-0', '1', '-1.5e-7', '1e308', '12345678901234567890', '3.14']);
    if (kind === 1) return JSON.stringify(rng.text(rng.int(12)));
    if (kind === 2) return rng.pick(['"\\ud800"', '"\\udc00x"', '"\\u0000"', '"\\n\\t"']);
    if (kind === 3) return rng.pick(['true', 'false', 'null']);
    if (kind === 4) return '{}';
    if (kind === 5) return `[${Array.from({ length: rng.int(4) }, () => value(depth + 1)).join(',')}]`;
    return object(depth + 1);
  };
  const object = (depth: number): string =>
    `{${Array.from({ length: rng.int(6) }, () => `${JSON.stringify(rng.pick(KEYS))}:${value(depth)}`).join(',')}}`;
  const fields = [`"tenantId":"ten_1"`, `"type":"order.created"`, `"data":${object(0)}`];
  if (rng.int(2)) fields.push(`"id":"evt_${rng.int(1_000)}"`);
  if (rng.int(2)) fields.push(`"createdAt":"2026-12-05T00:00:00.000+01:00"`);
  if (rng.int(2)) fields.push(`"headers":{"x-github-event":${JSON.stringify(rng.text(5))}}`);
  if (rng.int(2)) fields.push(`"orderingKey":${JSON.stringify(rng.text(3) || 'k')}`);
  return `{${fields.join(',')}}`;
}

/** The value with -0 written as 0 (what JSON does), own keys kept (`__proto__` too). */
function zeroed(v: unknown): unknown {
  if (Object.is(v, -0)) return 0;
  if (Array.isArray(v)) return v.map(zeroed);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, zeroed(x)]));
  return v;
}

describe('deliveryRecordFor', () => {
  it('builds from a JSON envelope what decoding its record gives back, so the hand-over need not decode it', () => {
    const rng = seeded(20261205);
    for (let i = 0; i < 500; i++) {
      const text = envelope(rng);
      const event = decodeRecord(eventRecord, Buffer.from(text));
      expect(event.ok, text).toBe(true);
      const e = (event as { value: EventRecord }).value;
      const built = deliveryRecordFor(e, { id: 'ep_1', applicationId: 'app_1' }, {
        eventId: e.id ?? 'evt_from_offset',
        createdAt: e.createdAt ?? '2026-12-05T00:00:00.000Z',
        orderingKey: e.orderingKey,
      });
      const decoded = decodeRecord(deliveryRecord, encodeRecord(deliveryRecord, built));
      expect(decoded.ok, text).toBe(true);
      const back = (decoded as { value: DeliveryRecord }).value;
      // toEqual, not toStrictEqual: the latter compares `constructor` properties, which JSON data may carry as keys.
      expect(back, text).toEqual(zeroed(built));
      expect(Object.values(built), text).not.toContain(undefined);
      // What the deliver side reads of it: the webhook's bytes and a Kafka destination's record key.
      const request = (d: DeliveryRecord) => buildWebhookRequest(d, { secrets: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'], headers: {} }, { nowSeconds: 1, userAgent: 'u' });
      expect(request(back), text).toStrictEqual(request(built));
      for (const path of ['a', 'b.a', 'id', '__proto__', 'constructor', 'toString', 'a.__proto__', 'orderingKey', 'eventId']) {
        expect(kafkaRecordKey(back, path), `${path} of ${text}`).toBe(kafkaRecordKey(built, path));
      }
    }
  });
});
