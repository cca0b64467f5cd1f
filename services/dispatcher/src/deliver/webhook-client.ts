import type { Agent, Dispatcher } from 'undici';
import type { SendResult } from '../domain/outcome.ts';
import { isSsrfBlocked } from './guarded-agent.ts';

/** At most this much of a response body is read and recorded. */
export const RESPONSE_EXCERPT_BYTES = 4_096;

export interface SendOutcome {
  result: SendResult;
  durationMs: number;
  responseBody: string | null;
}

/**
 * Outbound HTTP for deliveries: keep-alive pools per origin (one guarded undici Agent), redirects not
 * followed (a 3xx is an answer like any other), one deadline covering connect, headers and body, and only the
 * first 4 KiB of a response read. `http:` targets are refused unless allowed.
 */
export class WebhookClient {
  readonly #agent: Agent;
  readonly #allowHttp: boolean;
  readonly #inFlight = new Set<Exchange>();
  readonly #linked = new WeakSet<AbortSignal>();

  constructor(opts: { agent: Agent; allowHttp: boolean }) {
    this.#agent = opts.agent;
    this.#allowHttp = opts.allowHttp;
  }

  async post(url: string, req: { body: string; headers: Record<string, string> }, timeoutMs: number, abort?: AbortSignal): Promise<SendOutcome> {
    const started = performance.now();
    const target = parseTarget(url, this.#allowHttp);
    if (typeof target === 'string') return { result: { kind: 'ssrf_blocked', message: target }, durationMs: 0, responseBody: null };
    // One cleared timer per request (AbortSignal.timeout would fire, building a DOMException, for every request),
    // and one listener per caller's signal for all requests (not one per request).
    const exchange = new Exchange();
    const timer = setTimeout(() => exchange.abort(new DeadlineError(timeoutMs)), timeoutMs);
    timer.unref();
    if (abort) this.#link(abort);
    if (abort?.aborted) exchange.abort(abortReason(abort));
    this.#inFlight.add(exchange);
    try {
      // undici 7 never follows redirects unless a redirect interceptor is installed: a 3xx is recorded as is.
      this.#agent.dispatch({ origin: target.origin, path: target.pathname + target.search, method: 'POST', body: req.body, headers: req.headers }, exchange);
      const res = await exchange.answered;
      return {
        result: { kind: 'response', statusCode: res.statusCode, retryAfter: res.retryAfter },
        durationMs: elapsed(started),
        responseBody: res.body,
      };
    } catch (err) {
      const durationMs = elapsed(started);
      if (isSsrfBlocked(err)) return { result: { kind: 'ssrf_blocked', message: messageOf(err) }, durationMs, responseBody: null };
      const e = err as { code?: string; name?: string };
      const timedOut = err instanceof DeadlineError || /TIMEOUT/.test(e.code ?? '') || e.name === 'TimeoutError';
      return {
        result: timedOut ? { kind: 'timeout' } : { kind: 'network_error', message: describe(err) },
        durationMs,
        responseBody: null,
      };
    } finally {
      clearTimeout(timer);
      this.#inFlight.delete(exchange);
    }
  }

  /** Aborts every request in flight when `abort` fires (the shutdown signal); linked once per signal. */
  #link(abort: AbortSignal): void {
    if (this.#linked.has(abort)) return;
    this.#linked.add(abort);
    abort.addEventListener('abort', () => {
      for (const exchange of this.#inFlight) exchange.abort(abortReason(abort));
    }, { once: true });
  }

  close(): Promise<void> {
    return this.#agent.close();
  }
}

/** The target's URL, or why it is refused. */
function parseTarget(raw: string, allowHttp: boolean): URL | string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `invalid URL ${raw}`;
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && allowHttp) return url;
  return `${url.protocol} targets are not allowed${url.protocol === 'http:' ? ' (ALLOW_HTTP_TARGETS=false)' : ''}`;
}

/** The request's deadline passed (connect, headers and body together). */
class DeadlineError extends Error {
  constructor(timeoutMs: number) {
    super(`no complete answer within ${timeoutMs} ms`);
    this.name = 'DeadlineError';
  }
}

const abortReason = (signal: AbortSignal): Error =>
  signal.reason instanceof Error ? signal.reason : Object.assign(new Error('the request was aborted'), { code: 'UND_ERR_ABORTED' });

interface Answer {
  statusCode: number;
  retryAfter: string | undefined;
  body: string;
}

/**
 * One request's handler on undici's dispatcher: the status, `Retry-After` and the first 4 KiB of the body, settled
 * once. Taking the answer here, not through `request()`'s body stream and its async iterator, saves a stream, an
 * iterator and their promises per delivery. Past 4 KiB the request is aborted (its connection closed), as reading
 * no further did before. An abort before the request reaches a connection is applied when it does, as
 * `request()` applies its signal's.
 */
class Exchange implements Dispatcher.DispatchHandler {
  readonly #answer = Promise.withResolvers<Answer>();
  readonly answered = this.#answer.promise;
  #settled = false;
  #controller: Dispatcher.DispatchController | null = null;
  #reason: Error | null = null;
  #statusCode = 0;
  #retryAfter: string | undefined;
  #chunks: Buffer[] = [];
  #size = 0;

  abort(reason: Error): void {
    if (this.#settled) return;
    this.#reason ??= reason;
    if (this.#controller) this.#controller.abort(reason);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    if (this.#reason) controller.abort(this.#reason);
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>): void {
    if (statusCode < 200) return; // an informational answer; the final one follows
    this.#statusCode = statusCode;
    const retryAfter = headers['retry-after'];
    this.#retryAfter = Array.isArray(retryAfter) ? retryAfter[0] : retryAfter;
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#settled) return;
    this.#chunks.push(chunk);
    this.#size += chunk.length;
    if (this.#size < RESPONSE_EXCERPT_BYTES) return;
    this.#settle();
    controller.abort(new Error('response excerpt read'));
  }

  onResponseEnd(): void {
    this.#settle();
  }

  onResponseError(_controller: Dispatcher.DispatchController, err: Error): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#answer.reject(this.#reason ?? err);
  }

  #settle(): void {
    if (this.#settled) return;
    this.#settled = true;
    const chunks = this.#chunks;
    const all = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    this.#answer.resolve({ statusCode: this.#statusCode, retryAfter: this.#retryAfter, body: all.toString('utf8', 0, Math.min(all.length, RESPONSE_EXCERPT_BYTES)) });
  }
}

const elapsed = (started: number) => Math.round(performance.now() - started);

function messageOf(err: unknown): string {
  for (let e = err as { code?: string; message?: string; cause?: unknown } | undefined, i = 0; e && i < 5; e = e.cause as typeof e, i++) {
    if (e.code === 'HKL_DISPATCH_SSRF_BLOCKED') return e.message ?? 'blocked';
  }
  return 'blocked';
}

function describe(err: unknown): string {
  const e = err as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  return [e.cause?.code ?? e.code, e.cause?.message ?? e.message].filter(Boolean).join(': ').slice(0, 500);
}
