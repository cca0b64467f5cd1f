import { describe, expect, it } from 'vitest';
import { endpointHealthCases } from './test-cases.ts';
import { healthAfter } from './endpoint-health.ts';

describe('healthAfter', () => {
  it.each(endpointHealthCases)('%s', (_name, state, succeeded, now, expected) => {
    expect(healthAfter(state, succeeded, now, 1_000)).toEqual(expected);
  });
});
