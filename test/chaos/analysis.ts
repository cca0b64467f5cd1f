import type { ChaosReceiver } from './receivers.ts';

/** A fault the run injected, with when it began and when the system had it back (process ready, broker up, …). */
export interface Fault {
  kind: 'dispatcher SIGKILL' | 'tracker SIGKILL' | 'broker restart' | 'PostgreSQL restart' | 'network cut dispatcher↔broker';
  target: string;
  start: number;
  end: number;
}

/** One row of `deliveries` as the check reads it. */
export interface DeliveryRow {
  event_id: string;
  endpoint_id: string;
  status: string;
}

/** One row of `attempts` as the check reads it. */
export interface AttemptRow {
  event_id: string;
  endpoint_id: string;
  outcome: string;
  created_at: Date;
}

export interface Duplicate {
  endpoint: string;
  webhookId: string;
  cause: string;
  /** When the receiver first answered 2xx, and when the copy arrived. */
  firstOkAt: number;
  at: number;
}

/** What the receivers' own records and the database say about a run. */
export interface Analysis {
  expectedDeliveries: number;
  /** (endpoint, webhook-id) pairs that never reached the receiver. */
  lost: Array<{ endpoint: string; webhookId: string }>;
  duplicates: Duplicate[];
  duplicatesByCause: Record<string, number>;
  duplicatesByEndpoint: Record<string, number>;
  /** Deliveries whose recorded status disagrees with what the receiver saw (succeeded ⇔ the receiver answered 2xx). */
  statusMismatches: Array<{ endpoint: string; webhookId: string; status: string; receiverProcessed: boolean }>;
  requests: number;
}

/**
 * The cause of a re-send, from what the dispatcher recorded about the request the receiver answered 2xx first
 * (the attempt that started within 5 s before it arrived): a timeout or connection error means the answer came
 * too late or was lost; a recorded success means the delivery was handled again (its offset was not committed
 * when its partition moved); no attempt record at all means the dispatcher never recorded that request. The last
 * two are laid at the fault, among those under way between the 2xx (less 2 s) and the re-send (from its start to
 * the moment every service was ready again), that began last before the re-send.
 */
export function causeOf(faults: readonly Fault[], firstOkAt: number, resentAt: number, attempt: AttemptRow | undefined): string {
  if (attempt && attempt.outcome === 'timeout') return '2xx answered after the dispatcher had timed out';
  if (attempt && attempt.outcome !== 'succeeded') return `2xx answered, dispatcher recorded ${attempt.outcome}`;
  const f = faults.filter((x) => x.start <= resentAt && x.end >= firstOkAt - 2_000).sort((a, b) => b.start - a.start)[0];
  const how = attempt ? 'success recorded' : 'no attempt record';
  if (!f) return `${how}, re-sent with no fault under way`;
  switch (f.kind) {
    case 'dispatcher SIGKILL':
      return `${how}, re-sent after a dispatcher crash`;
    case 'broker restart':
    case 'network cut dispatcher↔broker':
      return `${how}, re-sent after a hand-off failure (${f.kind})`;
    default:
      return `${how}, re-sent during a ${f.kind}`;
  }
}

/** Compares what every receiver saw with what was published and with the database's deliveries. */
export function analyse(
  receivers: readonly ChaosReceiver[],
  published: ReadonlyMap<0 | 1, readonly string[]>,
  deliveries: readonly DeliveryRow[],
  faults: readonly Fault[],
  attempts: readonly AttemptRow[] = [],
): Analysis {
  const attemptsOf = new Map<string, AttemptRow[]>();
  for (const a of attempts) {
    const k = `${a.endpoint_id} ${a.event_id}`;
    let list = attemptsOf.get(k);
    if (!list) attemptsOf.set(k, (list = []));
    list.push(a);
  }
  // The attempt behind a request that arrived at `at`: the latest one that started at most 5 s before.
  const attemptAt = (endpointId: string, eventId: string, at: number) =>
    (attemptsOf.get(`${endpointId} ${eventId}`) ?? [])
      .filter((a) => a.created_at.getTime() <= at + 50 && a.created_at.getTime() >= at - 5_000)
      .sort((a, b) => b.created_at.getTime() - a.created_at.getTime())[0];
  const lost: Analysis['lost'] = [];
  const duplicates: Duplicate[] = [];
  const statusMismatches: Analysis['statusMismatches'] = [];
  const byEndpoint = new Map<string, Map<string, string>>();
  for (const d of deliveries) {
    let m = byEndpoint.get(d.endpoint_id);
    if (!m) byEndpoint.set(d.endpoint_id, (m = new Map()));
    m.set(d.event_id, d.status);
  }
  const duplicatesByEndpoint: Record<string, number> = {};
  let expectedDeliveries = 0;
  let requests = 0;
  for (const r of receivers) {
    requests += r.seen.length;
    const firstOk = new Map<string, number>();
    const duplicatesBefore = duplicates.length;
    const reached = new Set<string>();
    for (const s of r.seen) {
      reached.add(s.webhookId);
      const ok = firstOk.get(s.webhookId);
      if (ok !== undefined) duplicates.push({ endpoint: r.name, webhookId: s.webhookId, cause: causeOf(faults, ok, s.at, attemptAt(r.endpointId, s.webhookId, ok)), firstOkAt: ok, at: s.at });
      else if (s.answer === 'ok') firstOk.set(s.webhookId, s.at);
    }
    duplicatesByEndpoint[r.name] = duplicates.length - duplicatesBefore;
    const statuses = byEndpoint.get(r.endpointId) ?? new Map<string, string>();
    for (const id of published.get(r.tenant) ?? []) {
      expectedDeliveries++;
      if (!reached.has(id)) lost.push({ endpoint: r.name, webhookId: id });
      const status = statuses.get(id) ?? '(no row)';
      const processed = r.processed.has(id);
      if ((status === 'succeeded') !== processed || (!processed && status !== 'dead')) {
        statusMismatches.push({ endpoint: r.name, webhookId: id, status, receiverProcessed: processed });
      }
    }
  }
  const duplicatesByCause: Record<string, number> = {};
  for (const d of duplicates) duplicatesByCause[d.cause] = (duplicatesByCause[d.cause] ?? 0) + 1;
  return { expectedDeliveries, lost, duplicates, duplicatesByCause, duplicatesByEndpoint, statusMismatches, requests };
}

/** Per cause: how many, the median and longest time from the first 2xx to the copy, and the copies per 10 s of the run. */
export function duplicateTimings(duplicates: readonly Duplicate[], startedAt: number): Record<string, { n: number; gapP50S: number; gapMaxS: number; per10s: Record<string, number> }> {
  const out: Record<string, { n: number; gapP50S: number; gapMaxS: number; per10s: Record<string, number> }> = {};
  const byCause = new Map<string, Duplicate[]>();
  for (const d of duplicates) {
    let list = byCause.get(d.cause);
    if (!list) byCause.set(d.cause, (list = []));
    list.push(d);
  }
  for (const [cause, list] of byCause) {
    const gaps = list.map((d) => d.at - d.firstOkAt).sort((a, b) => a - b);
    const per10s: Record<string, number> = {};
    for (const d of list) {
      const bucket = `+${Math.floor((d.at - startedAt) / 10_000) * 10}s`;
      per10s[bucket] = (per10s[bucket] ?? 0) + 1;
    }
    out[cause] = { n: list.length, gapP50S: +(gaps[Math.floor(gaps.length / 2)]! / 1000).toFixed(1), gapMaxS: +(gaps.at(-1)! / 1000).toFixed(1), per10s };
  }
  return out;
}
