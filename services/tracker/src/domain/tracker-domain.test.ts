import { backoffMs, histogramQuantile, LATENCY_BUCKETS_MS, latencyBucket } from '@hookline/contracts';
import { describe, expect, it } from 'vitest';
import { rollUp } from './health-rollup.ts';
import { planPartitions } from './partition-plan.ts';
import { stripNul } from './tracked-records.ts';
import { classifyWriteFailure } from './write-failures.ts';

const attempt = (endpointId: string, startedAt: string, outcome: 'succeeded' | 'http_error' | 'circuit_open', durationMs = 10) => ({
  attemptId: `a_${startedAt}`, deliveryId: 'd', eventId: 'e', tenantId: 't', endpointId, attempt: 1, outcome,
  status: outcome === 'succeeded' ? ('succeeded' as const) : ('retrying' as const), statusCode: null, durationMs, error: null,
  responseBody: null, requestHeaders: {}, url: 'u', startedAt, nextAttemptAt: null,
});

describe('tracker domain', () => {
  it('plans day partitions: yesterday to days ahead, and drops those wholly past retention', () => {
    const nowMs = Date.UTC(2030, 0, 31, 12);
    const plan = planPartitions('attempts', ['attempts_default', 'attempts_p20291231', 'attempts_p20300101', 'attempts_p20300131'], { nowMs, retentionDays: 30, daysAhead: 1 });
    expect(plan.create.map((p) => p.name)).toEqual(['attempts_p20300130', 'attempts_p20300201']);
    expect(plan.drop.map((p) => p.name)).toEqual(['attempts_p20291231']);
  });

  it('rolls attempts up per endpoint and minute, ignoring open-circuit skips', () => {
    const minutes = rollUp([
      attempt('b', '2030-01-01T00:00:10Z', 'succeeded', 7),
      attempt('a', '2030-01-01T00:00:20Z', 'http_error', 700),
      attempt('a', '2030-01-01T00:01:05Z', 'succeeded'),
      attempt('a', '2030-01-01T00:01:30Z', 'http_error'),
      attempt('a', '2030-01-01T00:01:40Z', 'http_error'),
      attempt('a', '2030-01-01T00:01:50Z', 'circuit_open'),
    ]);
    expect(minutes.map((m) => [m.endpointId, m.minute, m.attempts, m.successes])).toEqual([
      ['a', '2030-01-01T00:00:00.000Z', 1, 0],
      ['a', '2030-01-01T00:01:00.000Z', 3, 1],
      ['b', '2030-01-01T00:00:00.000Z', 1, 1],
    ]);
    expect(minutes[2]!.histogram[latencyBucket(7)]).toBe(1);
  });

  it('estimates quantiles from a histogram', () => {
    const h = new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0);
    h[latencyBucket(40)] = 99;
    h[LATENCY_BUCKETS_MS.length] = 1;
    expect(histogramQuantile(h, 0.5)).toBeGreaterThan(25);
    expect(histogramQuantile(h, 0.5)).toBeLessThanOrEqual(50);
    expect(histogramQuantile(h, 1)).toBe(60_000);
    expect(histogramQuantile(h.map(() => 0), 0.5)).toBeNull();
  });

  it('retries outages and isolates data the database refuses', () => {
    expect(classifyWriteFailure(Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }))).toBe('retry');
    expect(classifyWriteFailure({ code: '57P01' })).toBe('retry');
    expect(classifyWriteFailure({ code: '40P01' })).toBe('retry');
    expect(classifyWriteFailure({ code: '22P05' })).toBe('isolate');
    expect(classifyWriteFailure({ code: '23514' })).toBe('isolate');
    expect(backoffMs(0, { baseMs: 100, maxMs: 5_000, random: () => 1 })).toBe(100);
    expect(backoffMs(20, { baseMs: 100, maxMs: 5_000, random: () => 1 })).toBe(5_000);
  });

  it('replaces NUL characters PostgreSQL cannot store', () => {
    expect(stripNul({ a: 'x\u0000y', b: ['\u0000'], c: 1, 'k\u0000': null })).toEqual({ a: 'x\uFFFDy', b: ['\uFFFD'], c: 1, 'k\uFFFD': null });
  });
});
