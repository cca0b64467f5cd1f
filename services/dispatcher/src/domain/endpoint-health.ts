/** What the dispatcher knows of an endpoint's recent results, for auto-disable and recovery events. */
export interface HealthState {
  /** Start of the current run of failures; null when the last result was a success. */
  failingSince: number | null;
}

export type HealthChange = { kind: 'none' } | { kind: 'recovered'; failingSince: number } | { kind: 'disable'; failingSince: number };

/**
 * After a success: an endpoint that was failing has recovered. After a failure: one that has been failing
 * with no success for `disableAfterMs` is disabled (reason `failing`).
 */
export function healthAfter(state: HealthState, succeeded: boolean, nowMs: number, disableAfterMs: number): HealthChange {
  if (succeeded) return state.failingSince === null ? { kind: 'none' } : { kind: 'recovered', failingSince: state.failingSince };
  const since = state.failingSince ?? nowMs;
  return nowMs - since >= disableAfterMs ? { kind: 'disable', failingSince: since } : { kind: 'none' };
}
