import { describe, expect, it } from 'vitest';
import { healthAfter, type HealthChange, type HealthState } from './endpoint-health.ts';

/** Table of auto-disable / recovery cases (disable after 1,000 ms of failing). */
const endpointHealthCases: Array<[string, HealthState, boolean, number, HealthChange]> = [
  ['a success of a healthy endpoint changes nothing', { failingSince: null }, true, 5_000, { kind: 'none' }],
  ['the first success after failures is a recovery', { failingSince: 1_000 }, true, 5_000, { kind: 'recovered', failingSince: 1_000 }],
  ['a first failure starts the clock', { failingSince: null }, false, 5_000, { kind: 'none' }],
  ['failing for less than the limit changes nothing', { failingSince: 4_500 }, false, 5_000, { kind: 'none' }],
  ['failing for the limit disables', { failingSince: 4_000 }, false, 5_000, { kind: 'disable', failingSince: 4_000 }],
];

describe('healthAfter', () => {
  it.each(endpointHealthCases)('%s', (_name, state, succeeded, now, expected) => {
    expect(healthAfter(state, succeeded, now, 1_000)).toEqual(expected);
  });
});
