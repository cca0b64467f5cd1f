import type { AttemptRecord } from '@hookline/contracts';
import type { TrackedDelivery, TrackedEvent } from './tracked-records.ts';

/**
 * Where the tracker writes, declared by its user. Each call writes one batch in one transaction, all or nothing,
 * idempotently (re-writing a batch changes nothing) and order-insensitively (an older attempt never moves a
 * delivery backwards). Each returns how many rows were new.
 */
export interface TrackingStore {
  recordEvents(events: readonly TrackedEvent[]): Promise<number>;
  recordDeliveries(deliveries: readonly TrackedDelivery[]): Promise<number>;
  recordAttempts(attempts: readonly AttemptRecord[]): Promise<number>;
}
