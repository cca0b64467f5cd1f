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
  /**
   * Attempts together with the deliveries fan-out announced for them (each has an attempt in `attempts`): a delivery
   * is written once, with its attempt, instead of inserted as pending and then updated. As if `recordDeliveries` and
   * `recordAttempts` were called, without the all-or-nothing of one transaction across the two: returns the new
   * attempts and the new deliveries.
   */
  recordAttemptsWithDeliveries(attempts: readonly AttemptRecord[], deliveries: readonly TrackedDelivery[]): Promise<{ attempts: number; deliveries: number }>;
}

/**
 * Splits deliveries into those with an attempt among `attempts` (written with it) and the rest (written alone).
 */
export function pairWithAttempts(
  deliveries: readonly TrackedDelivery[],
  attempts: readonly AttemptRecord[],
): { paired: TrackedDelivery[]; alone: TrackedDelivery[] } {
  const attempted = new Set<string>();
  for (const a of attempts) attempted.add(a.deliveryId);
  const paired: TrackedDelivery[] = [];
  const alone: TrackedDelivery[] = [];
  for (const d of deliveries) (attempted.has(d.id) ? paired : alone).push(d);
  return { paired, alone };
}
