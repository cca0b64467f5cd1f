import { describe, expect, it } from 'vitest';
import { admission, afterDelivery } from './ordering.ts';

describe('ordered delivery decisions', () => {
  it('admits the head, holds the rest, and sends done deliveries outside the order (stale retry copies skipped)', () => {
    expect(admission(null, false)).toBe('unordered');
    expect(admission(null, true)).toBe('unordered');
    expect(admission({ state: 'waiting', head: true }, false)).toBe('deliver');
    expect(admission({ state: 'waiting', head: true }, true)).toBe('deliver');
    expect(admission({ state: 'blocked', head: true }, false)).toBe('deliver');
    expect(admission({ state: 'waiting', head: false }, false)).toBe('wait');
    expect(admission({ state: 'waiting', head: false }, true)).toBe('wait');
    expect(admission({ state: 'done', head: true }, false)).toBe('unordered');
    expect(admission({ state: 'done', head: true }, true)).toBe('skip');
  });

  it('lets the key go on after success, a final failure or a drop; dead: skip goes on, block stops the key', () => {
    for (const end of ['succeeded', 'failed', 'dropped'] as const) expect(afterDelivery(end, 'block')).toBe('done');
    for (const end of ['retrying', 'deferred', 'pending'] as const) expect(afterDelivery(end, 'skip')).toBe('hold');
    expect(afterDelivery('dead', 'skip')).toBe('done');
    expect(afterDelivery('dead', 'block')).toBe('blocked');
  });
});
