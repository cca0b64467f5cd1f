export interface DeliverFetchSituation {
  /** This dispatcher's deliver consumer owns every partition of the deliveries topic (it is the group's only member). */
  ownsEveryPartition: boolean;
  /** Endpoints with ordered delivery: their records take the fetch, and each key's next head comes back through it. */
  orderedEndpoints: number;
}

/**
 * Whether the deliver consumer's fetches only confirm deliveries already started (issue 19: a fetch per delivery at
 * moderate rates). Fan-out hands every record it produces for an unordered endpoint to the deliver pipeline of its own
 * process once the broker acknowledged it (`deliver/direct-handover.ts`), so a dispatcher that owns every deliveries
 * partition and has no ordered endpoint fetches only to confirm and commit what it already started, and its fetches may
 * wait; the few records only the fetch brings then (replays, recoveries and redrives ingest produces) start within
 * that wait. Otherwise records arrive that only the fetch brings — fan-out of other dispatchers, ordered keys — and a
 * record must be fetched as soon as it is there.
 */
export function fetchesOnlyConfirm(s: DeliverFetchSituation): boolean {
  return s.ownsEveryPartition && s.orderedEndpoints === 0;
}
