import { describe, expect, it } from 'vitest';
import { fetchesOnlyConfirm } from './deliver-fetch-pace.ts';

describe('fetchesOnlyConfirm', () => {
  it('holds only for a sole dispatcher without ordered endpoints', () => {
    expect(fetchesOnlyConfirm({ ownsEveryPartition: true, orderedEndpoints: 0 })).toBe(true);
  });
  it('not when another dispatcher owns some partitions', () => {
    expect(fetchesOnlyConfirm({ ownsEveryPartition: false, orderedEndpoints: 0 })).toBe(false);
  });
  it('not while any endpoint is ordered', () => {
    expect(fetchesOnlyConfirm({ ownsEveryPartition: true, orderedEndpoints: 1 })).toBe(false);
  });
});
