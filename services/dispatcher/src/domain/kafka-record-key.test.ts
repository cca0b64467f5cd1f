import { describe, expect, it } from 'vitest';
import { kafkaRecordHeaders, kafkaRecordKey } from './kafka-record-key.ts';

const delivery = {
  deliveryId: 'dl_1', eventId: 'evt_1', tenantId: 't', endpointId: 'ep_1', type: 'a.b', attempt: 0,
  eventCreatedAt: '2026-01-01T00:00:00.000Z', data: { customer: { id: 'cus_9', n: 7, list: [1] }, ok: true },
};

describe('kafkaRecordKey', () => {
  it('keys by event id, ordering key (falling back to the event id) or a path into data', () => {
    expect(kafkaRecordKey(delivery, 'eventId')).toBe('evt_1');
    expect(kafkaRecordKey(delivery, 'orderingKey')).toBe('evt_1');
    expect(kafkaRecordKey({ ...delivery, orderingKey: 'k1' }, 'orderingKey')).toBe('k1');
    expect(kafkaRecordKey(delivery, 'customer.id')).toBe('cus_9');
    expect(kafkaRecordKey(delivery, 'customer.n')).toBe('7');
    expect(kafkaRecordKey(delivery, 'ok')).toBe('true');
  });
  it('has no key when the path is absent or not a scalar', () => {
    expect(kafkaRecordKey(delivery, 'customer.missing')).toBeNull();
    expect(kafkaRecordKey(delivery, 'customer.list')).toBeNull();
    expect(kafkaRecordKey(delivery, 'customer')).toBeNull();
    expect(kafkaRecordKey(delivery, 'customer.id.x')).toBeNull();
    expect(kafkaRecordKey(delivery, 'toString')).toBeNull();
  });
  it('drops only the user-agent from the record headers', () => {
    expect(kafkaRecordHeaders({ 'user-agent': 'Hookline', 'webhook-id': 'evt_1', 'content-type': 'application/json' })).toEqual({ 'webhook-id': 'evt_1', 'content-type': 'application/json' });
  });
});
