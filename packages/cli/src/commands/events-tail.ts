import { parseDuration, parseInteger, parseTime } from '../args/values.ts';
import { pause, type CommandContext } from '../context.ts';
import { ApiError, Interrupted, NetworkError } from '../errors.ts';
import type { Page } from '../http/api-client.ts';
import { paintStatus } from '../output/output.ts';
import { cellText } from '../output/table.ts';
import { scopedPath } from './app-scope.ts';
import { TailState, type ListedEvent, type TailDelivery } from './tail-state.ts';

/** Pages of new events read per poll at most (250 each); the rest are read on the next poll. */
const MAX_PAGES_PER_POLL = 8;
/** Events whose deliveries are asked about per poll at most. */
const MAX_WATCHED_PER_POLL = 50;
/** Consecutive failed polls (API unreachable, 5xx, 429) before the tail gives up. */
const MAX_FAILURES = 30;

const clock = (iso: string) => iso.slice(11, 23);

/**
 * Follows new events and their delivery outcomes until Ctrl-C (or --max-events events have been shown and their
 * deliveries have settled): polls GET /v1/events?after= for new events, then GET /v1/events/{id} for the
 * deliveries of the events still in flight, printing each change once. With --app, the same routes under
 * /v1/applications/{app}: that application's events only.
 */
export async function tailEvents(ctx: CommandContext, opts: { type?: string; since?: string; interval: string; maxEvents?: string }): Promise<void> {
  const { out } = ctx;
  const signal = ctx.runtime.interrupt;
  const intervalMs = parseDuration(opts.interval, '--interval');
  const maxEvents = opts.maxEvents === undefined ? Infinity : parseInteger(opts.maxEvents, '--max-events', 1);
  const state = new TailState({
    start: opts.since ? parseTime(opts.since, new Date(), '--since') : new Date().toISOString(),
    lookbackMs: 60_000,
    noDeliveryMs: 15_000,
    maxWatchMs: 15 * 60_000,
  });
  let shown = 0;
  const scope = ctx.settings.app === undefined ? '' : ` of application ${ctx.settings.app}`;
  out.note(out.colors.dim(`following events${opts.type ? ` of type ${opts.type}` : ''}${scope} at ${ctx.settings.url} (Ctrl-C to stop)`));

  const showEvent = (e: ListedEvent) => {
    if (out.json) out.line(JSON.stringify({ kind: 'event', event: e }));
    else out.line(`${out.colors.dim(clock(e.createdAt))}  ${out.colors.bold(e.id)}  ${e.type}  ${out.colors.dim(cellText(e.data, 80))}`);
  };
  const showDelivery = (eventId: string, d: TailDelivery) => {
    if (out.json) out.line(JSON.stringify({ kind: 'delivery', eventId, ...d }));
    else {
      const code = d.lastStatusCode === null ? '' : `  ${d.lastStatusCode}`;
      const next = d.nextAttemptAt ? out.colors.dim(`  next ${clock(d.nextAttemptAt)}`) : '';
      out.line(`${out.colors.dim(clock(new Date().toISOString()))}    → ${eventId}  ${d.endpointId}  ${paintStatus(out, d.status)}  attempts ${d.attempts}${code}${next}`);
    }
  };

  /** One round: new events, then the deliveries of the events still in flight. */
  const poll = async () => {
    if (shown < maxEvents) {
      let cursor: string | undefined;
      const listed: ListedEvent[] = [];
      for (let p = 0; p < MAX_PAGES_PER_POLL; p++) {
        const page = await ctx.api.request<Page<ListedEvent>>('GET', scopedPath(ctx, '/events'), { query: { after: state.after, type: opts.type, limit: 250, cursor } });
        listed.push(...page.data);
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
      const fresh = state.newEvents(listed, Date.now());
      fresh.forEach((e, i) => {
        if (i < maxEvents - shown) showEvent(e);
        else state.forget(e.id);
      });
      shown += Math.min(fresh.length, maxEvents - shown);
    }
    for (const id of state.watching(MAX_WATCHED_PER_POLL)) {
      if (signal.aborted) return;
      try {
        const e = await ctx.api.request<{ deliveries: TailDelivery[] }>('GET', scopedPath(ctx, `/events/${encodeURIComponent(id)}`));
        for (const d of state.deliveries(id, e.deliveries, Date.now())) showDelivery(id, d);
      } catch (err) {
        if (err instanceof ApiError && err.status === 404) state.forget(id);
        else throw err;
      }
    }
  };

  let failures = 0;
  while (!signal.aborted) {
    try {
      await poll();
      failures = 0;
    } catch (err) {
      // Ctrl-C during a request ends the tail as it does between requests.
      if (err instanceof Interrupted) return;
      // An API restart or a network blip is waited out (the cursor is kept), up to a bound.
      const transient = err instanceof NetworkError || (err instanceof ApiError && (err.status >= 500 || err.status === 429));
      if (!transient || ++failures >= MAX_FAILURES) throw err;
      out.note(out.colors.yellow(`${(err as Error).message}: retrying (${failures}/${MAX_FAILURES})`));
    }
    if (shown >= maxEvents && state.watchedCount === 0) return;
    await pause(intervalMs, signal);
  }
}
