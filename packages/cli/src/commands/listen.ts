import type { Command } from 'commander';
import { act, pause, type CommandContext, type Runtime } from '../context.ts';
import { ApiError, Interrupted, NetworkError, UsageError } from '../errors.ts';
import { ApiClient } from '../http/api-client.ts';
import { paintStatus } from '../output/output.ts';
import { scopedPath } from './app-scope.ts';

/** A stored webhook as GET /v1/endpoints/{id}/messages answers it. */
interface PulledMessage {
  id: string;
  cursor: string;
  eventId: string;
  eventType: string;
  createdAt: string;
  headers: Record<string, string>;
  body: string;
}

/** The temporary endpoint lives this long after its creation and after each read (the API renews it on reads). */
const EXPIRES_IN_SECONDS = 300;
/** Long-poll wait per read (the API allows up to 30 s; the client's request timeout is 30 s). */
const WAIT_SECONDS = 20;
/** Messages per read. */
const BATCH = 50;
/** How long the local app has to answer one forwarded webhook. */
const FORWARD_TIMEOUT_MS = 30_000;
/** Backoff between attempts to forward to a local server that is down, and between failed reads. */
const BACKOFF = { firstMs: 500, maxMs: 10_000 };
/** Consecutive failed reads (API away, 5xx, 429) before listen gives up. */
const MAX_READ_FAILURES = 30;
/** While forwarding keeps failing, the endpoint is renewed (a read that commits nothing) this often. */
const RENEW_EVERY_MS = 60_000;
/**
 * A webhook held this long since it was read (a page forwarded slowly, a local server down, a laptop asleep) is read
 * again before it is forwarded: the API signs each read with the read's time, and receivers refuse a
 * `webhook-timestamp` more than 5 minutes old (the standardwebhooks default).
 */
const RESIGN_AFTER_MS = 240_000;
/** Headers fetch sets itself or refuses to forward. */
const NOT_FORWARDED = new Set(['host', 'content-length', 'connection', 'transfer-encoding', 'keep-alive', 'expect', 'upgrade']);

const clock = () => new Date().toISOString().slice(11, 19);

function forwardUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--forward-to: ${raw} is not a URL (e.g. http://localhost:3000/webhooks)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError('--forward-to: must be an http:// or https:// URL');
  return url;
}

/**
 * `hookline listen`: the local-development loop. Creates a temporary pull endpoint (subscribed to --events, or to
 * every event type), prints its signing secret, then long-polls its messages and forwards each, in order, to
 * --forward-to with its original headers and body (so the local app verifies the signature with that secret),
 * printing type, id and the local answer's status. Any answer commits the message (the next read passes its cursor);
 * a local server that cannot be reached is retried with backoff and nothing past it is committed. A webhook held
 * more than RESIGN_AFTER_MS since its read is read again first, so it carries a fresh signature. Ctrl-C (SIGINT,
 * SIGTERM) deletes the endpoint; if listen dies without deleting it, the endpoint expires EXPIRES_IN_SECONDS after
 * its last read and ingest deletes it.
 */
export function listenCommand(program: Command, runtime: Runtime): void {
  program
    .command('listen')
    .description('forward webhooks to a local URL through a temporary pull endpoint, until Ctrl-C (it is deleted then)')
    .requiredOption('--forward-to <url>', 'where to POST each webhook, e.g. http://localhost:3000/webhooks')
    .option('--events <types>', 'comma-separated event types to subscribe to (default: all)')
    .addHelpText(
      'after',
      '\nPrints the temporary endpoint\'s signing secret first (with --json: {"kind":"ready","secret":…}): verify with it in the local app.' +
        '\nThen one line per webhook: time, type, event id, status of the local answer (--json: one JSON object per line).' +
        '\n\nExamples:\n  hookline listen --forward-to http://localhost:3000/webhooks\n  hookline listen --forward-to http://localhost:3000/webhooks --events invoice.paid,invoice.failed --json',
    )
    .action(act(runtime, async (ctx, opts: { forwardTo: string; events?: string }) => listen(ctx, opts)));
}

async function listen(ctx: CommandContext, opts: { forwardTo: string; events?: string }): Promise<void> {
  const { out } = ctx;
  const signal = ctx.runtime.interrupt;
  const target = forwardUrl(opts.forwardTo);
  const eventTypes = (opts.events ?? '').split(',').map((t) => t.trim()).filter((t) => t.length > 0);
  const endpoint = await ctx.api.request<{ id: string; secret?: string; expiresAt: string }>('POST', scopedPath(ctx, '/endpoints'), {
    body: { type: 'pull', eventTypes, expiresInSeconds: EXPIRES_IN_SECONDS, description: `hookline listen → ${target.href}` },
  });
  const path = scopedPath(ctx, `/endpoints/${encodeURIComponent(endpoint.id)}`);
  // Requests after Ctrl-C (the delete) must not be aborted by it.
  const cleanup = new ApiClient({ url: ctx.settings.url, apiKey: ctx.settings.apiKey, adminToken: ctx.settings.adminToken, timeoutMs: 10_000, userAgent: `hookline-cli/${ctx.runtime.version}` });
  const ready = { kind: 'ready', endpointId: endpoint.id, secret: endpoint.secret, forwardTo: target.href, eventTypes, expiresAt: endpoint.expiresAt };
  if (out.json) out.line(JSON.stringify(ready));
  else {
    out.line(`Ready. Forwarding ${eventTypes.length > 0 ? eventTypes.join(', ') : 'every event type'} to ${target.href} through temporary endpoint ${out.colors.bold(endpoint.id)}`);
    out.line(`Signing secret: ${out.colors.bold(endpoint.secret ?? '')}   (export HOOKLINE_WEBHOOK_SECRET=${endpoint.secret ?? ''})`);
    out.note(out.colors.dim('Ctrl-C to stop (the endpoint is deleted then)'));
  }

  try {
    await forwardUntilInterrupted(ctx, path, target, signal);
  } finally {
    try {
      await cleanup.request('DELETE', path);
      if (out.json) out.line(JSON.stringify({ kind: 'deleted', endpointId: endpoint.id }));
      else out.note(out.colors.dim(`deleted endpoint ${endpoint.id}`));
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 404)) {
        out.note(out.colors.yellow(`could not delete endpoint ${endpoint.id} (${(err as Error).message}); it expires within ${EXPIRES_IN_SECONDS} s`));
      }
    }
  }
}

/** Reads, forwards and commits until Ctrl-C. */
async function forwardUntilInterrupted(ctx: CommandContext, path: string, target: URL, signal: AbortSignal): Promise<void> {
  const { out } = ctx;
  const now = ctx.runtime.now ?? Date.now;
  let cursor: string | undefined;
  let failures = 0;
  while (!signal.aborted) {
    let page: { data: PulledMessage[]; cursor: string };
    let readAt: number;
    try {
      page = await ctx.api.request('GET', `${path}/messages`, { query: { cursor, limit: BATCH, wait: WAIT_SECONDS } });
      readAt = now();
      failures = 0;
    } catch (err) {
      if (err instanceof Interrupted || signal.aborted) return;
      const transient = err instanceof NetworkError || (err instanceof ApiError && (err.status >= 500 || err.status === 429));
      if (!transient || ++failures >= MAX_READ_FAILURES) throw err;
      out.note(out.colors.yellow(`${(err as Error).message}: retrying (${failures}/${MAX_READ_FAILURES})`));
      await pause(Math.min(BACKOFF.maxMs, BACKOFF.firstMs * 2 ** (failures - 1)), signal);
      continue;
    }
    // `cursor` (committed by the next read) is the last message forwarded, never one that was not. A held copy that
    // grew old is left for the next read (which passes that cursor) to return freshly signed.
    const stale = () => now() - readAt > RESIGN_AFTER_MS;
    for (const message of page.data) {
      const status = stale() ? 'stale' : await forwardWithRetry(ctx, path, target, message, signal, stale);
      if (status === null) return;
      if (status === 'stale') {
        const heldSeconds = Math.round((now() - readAt) / 1000);
        if (out.json) out.line(JSON.stringify({ kind: 'reread', id: message.id, eventId: message.eventId, eventType: message.eventType, heldSeconds }));
        else out.note(out.colors.dim(`${clock()}  ${message.eventType}  ${message.eventId}  held ${heldSeconds} s since it was read; reading it again for a fresh signature`));
        break;
      }
      cursor = message.cursor;
      if (out.json) out.line(JSON.stringify({ kind: 'webhook', id: message.id, eventId: message.eventId, eventType: message.eventType, cursor: message.cursor, status, forwardedTo: target.href }));
      else out.line(`${out.colors.dim(clock())}  ${message.eventType}  ${out.colors.bold(message.eventId)}  → ${paintStatus(out, status >= 200 && status < 300 ? 'succeeded' : 'failed', String(status))}`);
    }
  }
}

/**
 * Forwards one message until the local server answers (its status), Ctrl-C (null) or, between failed attempts, the
 * copy is `stale` ('stale': to be read again); failures are printed and retried.
 */
async function forwardWithRetry(
  ctx: CommandContext,
  path: string,
  target: URL,
  message: PulledMessage,
  signal: AbortSignal,
  stale: () => boolean,
): Promise<number | 'stale' | null> {
  const { out } = ctx;
  const now = ctx.runtime.now ?? Date.now;
  const headers = Object.fromEntries(Object.entries(message.headers).filter(([k]) => !NOT_FORWARDED.has(k.toLowerCase())));
  let lastRenewal = now();
  for (let attempt = 1; !signal.aborted; attempt++) {
    try {
      const res = await fetch(target, {
        method: 'POST',
        headers,
        body: message.body,
        redirect: 'manual',
        signal: AbortSignal.any([AbortSignal.timeout(FORWARD_TIMEOUT_MS), signal]),
      });
      await res.arrayBuffer().catch(() => undefined);
      return res.status;
    } catch (err) {
      if (signal.aborted) return null;
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      const why = (err as Error).name === 'TimeoutError' ? `no answer within ${FORWARD_TIMEOUT_MS / 1000} s` : (cause?.code ?? cause?.message ?? (err as Error).message);
      const delayMs = Math.min(BACKOFF.maxMs, BACKOFF.firstMs * 2 ** Math.min(attempt - 1, 10));
      if (out.json) out.line(JSON.stringify({ kind: 'forward_error', id: message.id, eventId: message.eventId, eventType: message.eventType, error: why, attempt, retryInMs: delayMs }));
      else out.note(out.colors.yellow(`${clock()}  ${message.eventType}  ${message.eventId}  could not forward to ${target.href} (${why}); retrying in ${(delayMs / 1000).toFixed(1)} s`));
      // Keep the temporary endpoint alive while the local server is away (a read without a cursor commits nothing).
      if (now() - lastRenewal > RENEW_EVERY_MS) {
        lastRenewal = now();
        await ctx.api.request('GET', `${path}/messages`, { query: { limit: 1 } }).catch(() => undefined);
      }
      await pause(delayMs, signal);
      if (!signal.aborted && stale()) return 'stale';
    }
  }
  return null;
}
