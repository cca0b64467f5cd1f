import type { DeliveryStatus } from '@hookline/contracts';

/**
 * How a delivery ended, as the deliver stage saw it: the status its attempt left it in, `deferred` (requeued before
 * an attempt: rate limit, too many queued) or `dropped` (its endpoint is missing or disabled).
 */
export type DeliveryEnd = DeliveryStatus | 'deferred' | 'dropped';

/** Where a delivery of an ordered endpoint stands in its key's order (migration 0014), if it has a place in one. */
export interface OrderPlace {
  state: 'waiting' | 'blocked' | 'done';
  /** No earlier delivery of its key is waiting or blocked. */
  head: boolean;
}

/**
 * What to do with a delivery record of an ordered endpoint:
 * - `unordered`: it has no place in an order (no ordering key, or it was done before and is sent again by a replay
 *   or a redrive): deliver it as an unordered endpoint would.
 * - `deliver`: it is its key's head: deliver it, then {@link afterDelivery}.
 * - `wait`: an earlier delivery of its key is not done: it waits in PostgreSQL (its record is finished here) and is
 *   produced again when its turn comes.
 * - `skip`: a stale copy (a retry record of a delivery already done): nothing to do.
 */
export type OrderAdmission = 'unordered' | 'deliver' | 'wait' | 'skip';

export function admission(place: OrderPlace | null, fromRetryTier: boolean): OrderAdmission {
  if (place === null) return 'unordered';
  if (place.state === 'done') return fromRetryTier ? 'skip' : 'unordered';
  return place.head ? 'deliver' : 'wait';
}

/**
 * What a head's end does to its key: `hold` (it is retried: the key waits for it), `done` (succeeded, failed for
 * good, dropped with its endpoint, or dead with `skip`: the next delivery of the key goes) or `blocked` (dead with
 * `block`: the key waits for a redrive).
 */
export function afterDelivery(end: DeliveryEnd, onDead: 'skip' | 'block'): 'hold' | 'done' | 'blocked' {
  switch (end) {
    case 'succeeded':
    case 'failed':
    case 'dropped':
      return 'done';
    case 'dead':
      return onDead === 'block' ? 'blocked' : 'done';
    case 'retrying':
    case 'deferred':
    case 'pending':
      return 'hold';
  }
}
