import { request, type Agent } from 'undici';
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
  readonly #inFlight = new Set<AbortController>();
  readonly #linked = new WeakSet<AbortSignal>();

  constructor(opts: { agent: Agent; allowHttp: boolean }) {
    this.#agent = opts.agent;
    this.#allowHttp = opts.allowHttp;
  }

  async post(url: string, req: { body: string; headers: Record<string, string> }, timeoutMs: number, abort?: AbortSignal): Promise<SendOutcome> {
    const started = performance.now();
    const scheme = schemeProblem(url, this.#allowHttp);
    if (scheme) return { result: { kind: 'ssrf_blocked', message: scheme }, durationMs: 0, responseBody: null };
    // One cleared timer per request (AbortSignal.timeout would fire, building a DOMException, for every request),
    // and one listener per caller's signal for all requests (not one per request).
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), timeoutMs);
    timer.unref();
    const signal = deadline.signal;
    if (abort) this.#link(abort);
    if (abort?.aborted) deadline.abort();
    this.#inFlight.add(deadline);
    try {
      // undici 7 never follows redirects unless a redirect interceptor is installed: a 3xx is recorded as is.
      const res = await request(url, { method: 'POST', body: req.body, headers: req.headers, dispatcher: this.#agent, signal });
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of res.body) {
        chunks.push(chunk as Buffer);
        size += (chunk as Buffer).length;
        if (size >= RESPONSE_EXCERPT_BYTES) break;
      }
      if (size >= RESPONSE_EXCERPT_BYTES) res.body.destroy();
      const responseBody = Buffer.concat(chunks).subarray(0, RESPONSE_EXCERPT_BYTES).toString('utf8');
      const retryAfter = res.headers['retry-after'];
      return {
        result: { kind: 'response', statusCode: res.statusCode, retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter },
        durationMs: elapsed(started),
        responseBody,
      };
    } catch (err) {
      const durationMs = elapsed(started);
      if (isSsrfBlocked(err)) return { result: { kind: 'ssrf_blocked', message: messageOf(err) }, durationMs, responseBody: null };
      const e = err as { code?: string; name?: string };
      const timedOut = (signal.aborted && !abort?.aborted) || /TIMEOUT/.test(e.code ?? '') || e.name === 'TimeoutError';
      return {
        result: timedOut ? { kind: 'timeout' } : { kind: 'network_error', message: describe(err) },
        durationMs,
        responseBody: null,
      };
    } finally {
      clearTimeout(timer);
      this.#inFlight.delete(deadline);
    }
  }

  /** Aborts every request in flight when `abort` fires (the shutdown signal); linked once per signal. */
  #link(abort: AbortSignal): void {
    if (this.#linked.has(abort)) return;
    this.#linked.add(abort);
    abort.addEventListener('abort', () => {
      for (const c of this.#inFlight) c.abort();
    }, { once: true });
  }

  close(): Promise<void> {
    return this.#agent.close();
  }
}

function schemeProblem(raw: string, allowHttp: boolean): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `invalid URL ${raw}`;
  }
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:' && allowHttp) return null;
  return `${url.protocol} targets are not allowed${url.protocol === 'http:' ? ' (ALLOW_HTTP_TARGETS=false)' : ''}`;
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
