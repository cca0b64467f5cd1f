/** How long the broker may hold a fetch: until `minBytes` are there, or `maxWaitTimeInMs` passed (the shape `paceFetches` of @hookline/kafka takes; domain code does not import it). */
export interface FetchPace {
  minBytes: number;
  maxWaitTimeInMs: number;
}

/**
 * The deliver consumer's fetches when they only confirm deliveries already started: the broker answers once 64 KiB
 * are there or after 1 s (as long as an idle fetch waits anyway), instead of once per record.
 */
export const CONFIRMING_FETCH_PACE: FetchPace = { minBytes: 64 * 1024, maxWaitTimeInMs: 1_000 };

export interface DeliverFetchSituation {
  /** This dispatcher's deliver consumer owns every partition of the deliveries topic (it is the group's only member). */
  ownsEveryPartition: boolean;
  /** Endpoints with ordered delivery: their records take the fetch, and each key's next head comes back through it. */
  orderedEndpoints: number;
}

/**
 * How the deliver consumer fetches (issue 19: a fetch per delivery at moderate rates). Fan-out hands every record it
 * produces for an unordered endpoint to the deliver pipeline of its own process once the broker acknowledged it
 * (`deliver/direct-handover.ts`), so a dispatcher that owns every deliveries partition and has no ordered endpoint
 * fetches only to confirm and commit what it already started: its fetches may wait ({@link CONFIRMING_FETCH_PACE});
 * the few records only the fetch brings then (replays, recoveries and redrives ingest produces) start within that wait.
 * Otherwise records arrive that only the fetch brings — fan-out of other dispatchers, ordered keys — and the consumer
 * keeps its own settings (undefined): a record is fetched as soon as it is there.
 */
export function deliverFetchPace(s: DeliverFetchSituation): FetchPace | undefined {
  return s.ownsEveryPartition && s.orderedEndpoints === 0 ? CONFIRMING_FETCH_PACE : undefined;
}
