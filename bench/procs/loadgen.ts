import { createHmac } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { serveIpc } from '../lib/ipc.ts';
import { nowMs, summarize, type LatencySummary } from '../lib/stats.ts';

/**
 * The load generator, in its own process: publishes events through ingest's HTTP API over keep-alive connections,
 * either closed-loop (`concurrency` clients as fast as answers come) or open-loop at a fixed `rate` of events/s,
 * one event per request (`/v1/events`) or `batchSize` per request (`/v1/events/batch`). Bounded by `durationMs` and
 * `maxEvents`. Records when each accepted event's request was sent, keyed by the event id ingest answered with.
 */
export interface LoadSpec {
  api: string;
  apiKey: string;
  mode: 'single' | 'batch';
  concurrency: number;
  durationMs: number;
  maxEvents: number;
  /** Events per second (open loop); unset: closed loop at `concurrency`. */
  rate?: number;
  batchSize?: number;
  /** Event types, used round-robin. */
  types: string[];
  /** Approximate size of each event's `data` once serialised. */
  payloadBytes: number;
  /** Keep `[eventId, sentAtMs]` of every accepted event (for end-to-end latency). */
  recordSends: boolean;
  /**
   * Inbound mode (`single` only): each request goes to this inbound source path (`/in/<token>`) as a GitHub webhook,
   * signed with `secret` (X-Hub-Signature-256) and with its own X-GitHub-Delivery, instead of `/v1/events`.
   */
  inbound?: { path: string; secret: string } | undefined;
}

export interface LoadResult {
  requests: number;
  accepted: number;
  /** Answers other than 202 (or network errors, under `error`), by status. */
  failures: Record<string, number>;
  elapsedMs: number;
  eventsPerSecond: number;
  /** Request latency (sent → answer read), ms. */
  latency: LatencySummary;
  /** Requests that left later than their open-loop schedule because `concurrency` requests were in flight. */
  late: number;
  sends: Array<[string, number]>;
  firstSentAt: number;
}

let pool: Pool | undefined;
let poolKey = '';

function poolFor(api: string, connections: number): Pool {
  const key = `${api}|${connections}`;
  if (!pool || poolKey !== key) {
    void pool?.close();
    pool = new Pool(api, { connections, pipelining: 1, keepAliveTimeout: 30_000 });
    poolKey = key;
  }
  return pool;
}

async function run(spec: LoadSpec): Promise<LoadResult> {
  const http = poolFor(spec.api, spec.concurrency);
  const pad = 'x'.repeat(Math.max(0, spec.payloadBytes - 40));
  const perRequest = spec.mode === 'batch' ? (spec.batchSize ?? 100) : 1;
  const path = spec.inbound?.path ?? (spec.mode === 'batch' ? '/v1/events/batch' : '/v1/events');
  const apiHeaders: Record<string, string> = { authorization: `Bearer ${spec.apiKey}`, 'content-type': 'application/json' };
  const headersFor = (body: string): Record<string, string> => {
    if (!spec.inbound) return apiHeaders;
    return {
      'content-type': 'application/json',
      'x-github-event': 'bench',
      'x-github-delivery': `d-${seq}-${started}`,
      'x-hub-signature-256': `sha256=${createHmac('sha256', spec.inbound.secret).update(body).digest('hex')}`,
    };
  };
  const latencies: number[] = [];
  const failures: Record<string, number> = {};
  const sends: Array<[string, number]> = [];
  let seq = 0;
  let planned = 0;
  let accepted = 0;
  let requests = 0;
  let late = 0;
  const started = nowMs();
  const deadline = started + spec.durationMs;

  const event = () => {
    const n = seq++;
    return { type: spec.types[n % spec.types.length]!, data: { n, pad } };
  };

  async function once(): Promise<void> {
    const count = Math.min(perRequest, spec.maxEvents - planned);
    planned += count;
    const body = spec.mode === 'batch' ? JSON.stringify({ events: Array.from({ length: count }, event) }) : JSON.stringify(spec.inbound ? { action: 'created', ...event().data } : event());
    const headers = headersFor(body);
    const sentAt = nowMs();
    requests++;
    try {
      const res = await http.request({ method: 'POST', path, headers, body });
      const text = await res.body.text();
      latencies.push(nowMs() - sentAt);
      if (res.statusCode !== 202) {
        failures[res.statusCode] = (failures[res.statusCode] ?? 0) + count;
        return;
      }
      const json = JSON.parse(text) as { id?: string; data?: Array<{ id: string }> };
      const ids = json.data ? json.data.map((d) => d.id) : [json.id!];
      accepted += ids.length;
      if (spec.recordSends) for (const id of ids) sends.push([id, sentAt]);
    } catch (err) {
      const code = (err as { code?: string }).code ?? 'error';
      failures[code] = (failures[code] ?? 0) + count;
    }
  }

  const more = () => planned < spec.maxEvents && nowMs() < deadline;
  if (spec.rate === undefined) {
    await Promise.all(Array.from({ length: spec.concurrency }, async () => {
      while (more()) await once();
    }));
  } else {
    const intervalMs = (1000 * perRequest) / spec.rate;
    const inFlight = new Set<Promise<void>>();
    for (let i = 0; more(); i++) {
      const due = started + i * intervalMs;
      const wait = due - nowMs();
      if (wait > 1) await sleep(wait);
      if (inFlight.size >= spec.concurrency) {
        late++;
        await Promise.race(inFlight);
      }
      const p: Promise<void> = once().finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
    await Promise.all(inFlight);
  }
  const elapsedMs = nowMs() - started;
  return {
    requests,
    accepted,
    failures,
    elapsedMs,
    eventsPerSecond: (accepted * 1000) / elapsedMs,
    latency: summarize(latencies),
    late,
    sends,
    firstSentAt: started,
  };
}

serveIpc('loadgen', {
  run: (msg: { spec: LoadSpec }) => run(msg.spec),
});
