import { describe, expect, it } from 'vitest';
import { attemptOutcome } from './envelopes.ts';
import { isSentAttempt, SKIPPED_OUTCOMES } from './sent-attempt.ts';

describe('isSentAttempt', () => {
  it('counts every outcome of a request as an attempt and an open-circuit skip as none', () => {
    expect(attemptOutcome.options.filter((o) => !isSentAttempt(o))).toEqual(['circuit_open']);
    expect(SKIPPED_OUTCOMES.every((o) => attemptOutcome.options.includes(o))).toBe(true);
  });
});
