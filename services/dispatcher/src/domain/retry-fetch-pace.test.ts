import { describe, expect, it } from 'vitest';
import { retryFetchWaitMs } from './retry-fetch-pace.ts';

const o = { idleWaitMs: 1_000, minWaitMs: 100, resumeMarginMs: 50 };

describe('retryFetchWaitMs', () => {
  it('waits the idle wait when no partition is paused', () => {
    expect(retryFetchWaitMs({ nextResumeAt: undefined, now: 1_000 }, o)).toBe(1_000);
  });
  it('ends just after the earliest paused head is due', () => {
    expect(retryFetchWaitMs({ nextResumeAt: 1_500, now: 1_000 }, o)).toBe(550);
  });
  it('never longer than the idle wait, never shorter than the least', () => {
    expect(retryFetchWaitMs({ nextResumeAt: 60_000, now: 1_000 }, o)).toBe(1_000);
    expect(retryFetchWaitMs({ nextResumeAt: 900, now: 1_000 }, o)).toBe(100);
  });
});
