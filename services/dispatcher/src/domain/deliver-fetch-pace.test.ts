import { describe, expect, it } from 'vitest';
import { CONFIRMING_FETCH_PACE, deliverFetchPace } from './deliver-fetch-pace.ts';

describe('deliverFetchPace', () => {
  it('waits only for a sole dispatcher without ordered endpoints', () => {
    expect(deliverFetchPace({ ownsEveryPartition: true, orderedEndpoints: 0 })).toEqual(CONFIRMING_FETCH_PACE);
  });
  it('fetches at once when another dispatcher owns some partitions', () => {
    expect(deliverFetchPace({ ownsEveryPartition: false, orderedEndpoints: 0 })).toBeUndefined();
  });
  it('fetches at once while any endpoint is ordered', () => {
    expect(deliverFetchPace({ ownsEveryPartition: true, orderedEndpoints: 1 })).toBeUndefined();
  });
  it('a confirming fetch waits no longer than an idle fetch does', () => {
    expect(CONFIRMING_FETCH_PACE.maxWaitTimeInMs).toBeLessThanOrEqual(1_000);
    expect(CONFIRMING_FETCH_PACE.minBytes).toBeGreaterThan(1);
  });
});
