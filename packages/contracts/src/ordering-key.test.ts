import { describe, expect, it } from 'vitest';
import { orderingKeyOf } from './ordering-key.ts';

describe('orderingKeyOf', () => {
  it('takes the header, then the envelope, then (source topics only) the record key', () => {
    expect(orderingKeyOf({ header: 'h', envelope: 'e', recordKey: 'k', fromSourceTopic: true })).toBe('h');
    expect(orderingKeyOf({ header: undefined, envelope: 'e', recordKey: 'k', fromSourceTopic: true })).toBe('e');
    expect(orderingKeyOf({ header: undefined, envelope: undefined, recordKey: Buffer.from('k'), fromSourceTopic: true })).toBe('k');
    expect(orderingKeyOf({ header: undefined, envelope: undefined, recordKey: 'evt_1', fromSourceTopic: false })).toBeUndefined();
  });
  it('ignores empty or over-long keys', () => {
    expect(orderingKeyOf({ header: '', envelope: 'x'.repeat(257), recordKey: null, fromSourceTopic: true })).toBeUndefined();
    expect(orderingKeyOf({ header: '', envelope: 'e', recordKey: null, fromSourceTopic: false })).toBe('e');
  });
});
