import { describe, expect, it } from 'vitest';
import { chooseFetchPace } from './fetch-pace.ts';

describe('chooseFetchPace', () => {
  const own = { minBytes: 128 * 1024, maxWaitTimeInMs: 1_000 };
  const quiet = { afterMs: 10_000, maxWaitTimeInMs: 3_000 };
  const none = () => false;

  it("takes the pace function's choice, else the consumer's own settings", () => {
    expect(chooseFetchPace({ own, paced: undefined, quiet: undefined, withoutRecordsMs: 60_000, anyPaused: none })).toEqual(own);
    const paced = { minBytes: 1, maxWaitTimeInMs: 200 };
    expect(chooseFetchPace({ own, paced, quiet, withoutRecordsMs: 9_999, anyPaused: none })).toEqual(paced);
  });

  it('holds a quiet consumer longer and answers it on the first byte', () => {
    expect(chooseFetchPace({ own, paced: undefined, quiet, withoutRecordsMs: 10_000, anyPaused: none })).toEqual({ minBytes: 1, maxWaitTimeInMs: 3_000 });
    // A longer wait of its own stays.
    expect(chooseFetchPace({ own: { minBytes: 1, maxWaitTimeInMs: 5_000 }, paced: undefined, quiet, withoutRecordsMs: 20_000, anyPaused: none })).toEqual({ minBytes: 1, maxWaitTimeInMs: 5_000 });
  });

  it('is not quiet with a partition paused (a resume would wait behind the held fetch)', () => {
    const paced = { minBytes: 1, maxWaitTimeInMs: 150 };
    expect(chooseFetchPace({ own, paced, quiet, withoutRecordsMs: 60_000, anyPaused: () => true })).toEqual(paced);
  });

  it('asks for paused partitions only once the consumer has been without records long enough', () => {
    let asked = 0;
    const anyPaused = () => (asked++, false);
    chooseFetchPace({ own, paced: undefined, quiet, withoutRecordsMs: 500, anyPaused });
    expect(asked).toBe(0);
    chooseFetchPace({ own, paced: undefined, quiet, withoutRecordsMs: 10_500, anyPaused });
    expect(asked).toBe(1);
  });
});
