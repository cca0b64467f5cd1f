import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BreakerRegistry, CircuitOpenError } from './breakers.ts';

const settings = { errorThresholdPercent: 50, volumeThreshold: 10, windowMs: 30_000, resetTimeoutMs: 30_000, maxBreakers: 3 };

describe('BreakerRegistry (fake clock)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const ok = () => Promise.resolve('ok');
  const fail = () => Promise.resolve('fail');
  const isFailure = (r: string) => r === 'fail';

  it('opens at ≥ 50 % failures over ≥ 10 requests, half-opens after the reset timeout with one probe, then closes', async () => {
    const changes: string[] = [];
    const r = new BreakerRegistry(settings, { onChange: (id, s) => changes.push(`${id}:${s}`) });
    for (let i = 0; i < 5; i++) await r.run('ep', ok, isFailure);
    for (let i = 0; i < 4; i++) await r.run('ep', fail, isFailure);
    expect(r.state('ep')).toBe('closed'); // 9 requests: below the volume threshold
    await r.run('ep', fail, isFailure); // 5/10 failed = 50 %
    expect(r.state('ep')).toBe('open');
    const refused = await r.run('ep', ok, isFailure).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(CircuitOpenError);
    expect((refused as CircuitOpenError).waitMs).toBe(30_000);

    vi.advanceTimersByTime(30_001);
    expect(r.state('ep')).toBe('half_open');
    let release!: () => void;
    const probe = r.run('ep', () => new Promise<string>((res) => (release = () => res('ok'))), isFailure);
    // Only one probe: a second call while it is in flight is refused.
    await expect(r.run('ep', ok, isFailure)).rejects.toBeInstanceOf(CircuitOpenError);
    release();
    expect(await probe).toBe('ok');
    expect(r.state('ep')).toBe('closed');
    expect(changes).toEqual(['ep:open', 'ep:half_open', 'ep:closed']);
    r.shutdown();
  });

  it('forgets failures once they leave the rolling window (every breaker turned by one timer of the registry)', async () => {
    const r = new BreakerRegistry({ ...settings, windowMs: 10_000 });
    for (let i = 0; i < 9; i++) await r.run('old', fail, isFailure);
    for (let i = 0; i < 9; i++) await r.run('other', fail, isFailure);
    vi.advanceTimersByTime(10_001);
    // The nine failures are out of the window: one more failure and nine successes are 10 % failed, not 53 %.
    for (const id of ['old', 'other']) {
      await r.run(id, fail, isFailure);
      for (let i = 0; i < 9; i++) await r.run(id, ok, isFailure);
      expect(r.state(id)).toBe('closed');
    }
    r.shutdown();
  });

  it('a failed probe opens it again', async () => {
    const r = new BreakerRegistry({ ...settings, volumeThreshold: 1 });
    await r.run('ep', fail, isFailure);
    expect(r.state('ep')).toBe('open');
    vi.advanceTimersByTime(30_001);
    await r.run('ep', fail, isFailure);
    expect(r.state('ep')).toBe('open');
    r.shutdown();
  });

  it('keeps at most maxBreakers, evicting the least recently used', async () => {
    const r = new BreakerRegistry({ ...settings, volumeThreshold: 1 });
    await r.run('a', fail, isFailure);
    await r.run('b', ok, isFailure);
    await r.run('c', ok, isFailure);
    await r.run('a', ok, isFailure).catch(() => {}); // touch a
    await r.run('d', ok, isFailure);
    expect(r.size).toBe(3);
    expect(r.state('a')).toBe('open');
    expect(r.state('b')).toBe('closed'); // evicted: no breaker, reads as closed
    r.shutdown();
  });
});
