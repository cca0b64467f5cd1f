import { describe, expect, it } from 'vitest';
import { OffsetWatermark } from './offset-watermark.ts';

describe('OffsetWatermark', () => {
  it('commits only up to the lowest unfinished offset', () => {
    const w = new OffsetWatermark();
    expect(w.committable()).toBeNull();
    for (const o of [10n, 11n, 12n, 13n]) w.start(o);
    w.finish(11n);
    w.finish(13n);
    expect(w.committable()).toBe(10n);
    w.finish(10n);
    expect(w.committable()).toBe(12n);
    w.committed(12n);
    expect(w.committable()).toBeNull();
    w.finish(12n);
    expect(w.committable()).toBe(14n);
    expect(w.inFlight).toBe(0);
    expect(w.seen(13n)).toBe(true);
    expect(w.seen(14n)).toBe(false);
  });
});
