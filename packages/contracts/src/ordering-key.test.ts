import { describe, expect, it } from 'vitest';
import { orderingKeyOf } from './ordering-key.ts';

describe('orderingKeyOf', () => {
  it('takes the header, then the envelope, then the record key', () => {
    expect(orderingKeyOf({ header: 'h', envelope: 'e', recordKey: 'k', eventId: undefined })).toBe('h');
    expect(orderingKeyOf({ header: undefined, envelope: 'e', recordKey: 'k', eventId: undefined })).toBe('e');
    expect(orderingKeyOf({ header: undefined, envelope: undefined, recordKey: Buffer.from('k'), eventId: undefined })).toBe('k');
    expect(orderingKeyOf({ header: undefined, envelope: undefined, recordKey: 'customer-7', eventId: 'evt_1' })).toBe('customer-7');
  });
  it('does not take a record key that is the event id (how ingest keys events without an ordering key)', () => {
    expect(orderingKeyOf({ header: undefined, envelope: undefined, recordKey: 'evt_1', eventId: 'evt_1' })).toBeUndefined();
    expect(orderingKeyOf({ header: undefined, envelope: 'e', recordKey: 'evt_1', eventId: 'evt_1' })).toBe('e');
  });
  it('ignores empty or over-long keys', () => {
    expect(orderingKeyOf({ header: '', envelope: 'x'.repeat(257), recordKey: null, eventId: undefined })).toBeUndefined();
    expect(orderingKeyOf({ header: '', envelope: 'e', recordKey: null, eventId: undefined })).toBe('e');
  });
});
