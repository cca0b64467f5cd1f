import { Agent, errors, request } from 'undici';
import type { SendResult } from '../domain/outcome.ts';

/** At most this much of a response body is read and recorded. */
export const RESPONSE_EXCERPT_BYTES = 4_096;

export interface SendOutcome {
  result: SendResult;
  durationMs: number;
  responseBody: string | null;
}

/**
 * Outbound HTTP for deliveries: keep-alive pools per origin (one undici Agent), redirects not followed, one
 * deadline covering connect, headers and body, and only the first 4 KiB of a response read.
 */
export class WebhookClient {
  readonly #agent = new Agent({ keepAliveTimeout: 30_000, connections: 64, pipelining: 1 });

  async post(url: string, req: { body: string; headers: Record<string, string> }, timeoutMs: number): Promise<SendOutcome> {
    const started = performance.now();
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      const res = await request(url, { method: 'POST', body: req.body, headers: req.headers, dispatcher: this.#agent, signal });
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of res.body) {
        chunks.push(chunk as Buffer);
        size += (chunk as Buffer).length;
        if (size >= RESPONSE_EXCERPT_BYTES) break;
      }
      const responseBody = Buffer.concat(chunks).subarray(0, RESPONSE_EXCERPT_BYTES).toString('utf8');
      return { result: { kind: 'response', statusCode: res.statusCode }, durationMs: elapsed(started), responseBody };
    } catch (err) {
      const timedOut = signal.aborted || err instanceof errors.HeadersTimeoutError || err instanceof errors.BodyTimeoutError || err instanceof errors.ConnectTimeoutError;
      return {
        result: timedOut ? { kind: 'timeout' } : { kind: 'network_error', message: describe(err) },
        durationMs: elapsed(started),
        responseBody: null,
      };
    }
  }

  close(): Promise<void> {
    return this.#agent.close();
  }
}

const elapsed = (started: number) => Math.round(performance.now() - started);

function describe(err: unknown): string {
  const e = err as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  return [e.cause?.code ?? e.code, e.cause?.message ?? e.message].filter(Boolean).join(': ').slice(0, 500);
}
