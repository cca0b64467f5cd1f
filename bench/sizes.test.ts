import { describe, expect, it } from 'vitest';
import { SIZES, warmupMs } from './sizes.ts';

describe('warmupMs', () => {
  it('is the size\'s length unless BENCH_WARMUP_MS says otherwise', () => {
    expect(warmupMs(SIZES.full.moderate.warmup.durationMs, {})).toBe(60_000);
    expect(warmupMs(60_000, { BENCH_WARMUP_MS: '' })).toBe(60_000);
    expect(warmupMs(60_000, { BENCH_WARMUP_MS: '0' })).toBe(0);
    expect(warmupMs(60_000, { BENCH_WARMUP_MS: ' 15000 ' })).toBe(15_000);
  });

  it('refuses what is not a whole number of milliseconds, naming the variable', () => {
    for (const bad of ['abc', '-1', '1.5', '10s']) expect(() => warmupMs(60_000, { BENCH_WARMUP_MS: bad })).toThrow(/BENCH_WARMUP_MS=.*whole number/);
  });
});
