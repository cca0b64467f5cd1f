import { describe, expect, it } from 'vitest';
import { emptyStatementCatchesUp } from './channel-listener.ts';

describe('emptyStatementCatchesUp', () => {
  it('is true from PostgreSQL 15 on (signalled notifications go out before ReadyForQuery), false before', () => {
    expect(emptyStatementCatchesUp(130_016)).toBe(false);
    expect(emptyStatementCatchesUp(140_013)).toBe(false);
    expect(emptyStatementCatchesUp(150_000)).toBe(true);
    expect(emptyStatementCatchesUp(180_001)).toBe(true);
    expect(emptyStatementCatchesUp(Number.NaN)).toBe(false);
  });
});
