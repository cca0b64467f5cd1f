import type { TokenBuckets } from '@hookline/contracts';
import type { SourceWithSecrets } from '@hookline/db';
import type { Logger } from '@hookline/telemetry';
import type { ApplicationResolver } from '../applications/application-resolver.ts';
import { HooklineError } from '../domain/errors.ts';
import { CidrSet } from './client-address.ts';
import { eventTypeFrom, inboundData, inboundEventId, parseJson } from '../domain/inbound/inbound-event.ts';
import type { InboundRequest } from '../domain/inbound/inbound-request.ts';
import {
  deliveryIdOf,
  forwardedHeaders,
  keptHeaders,
  providerEventType,
  verifyInbound,
  type Provider,
  type VerificationSettings,
} from '../domain/inbound/providers.ts';
import type { PublishService } from '../publishing/publish-service.ts';
import type { SourceRequestLog } from './source-request-log.ts';

/** What an inbound request is answered. */
export interface InboundAnswer {
  status: number;
  /** A JSON value, or text with its content type. */
  body: { json: unknown } | { text: string; contentType: string } | { problem: string; code: string };
  retryAfterSeconds?: number | undefined;
  /** The verification outcome and event, for the request log and the span. */
  outcome: 'accepted' | 'duplicate' | 'unverified' | 'refused' | 'failed';
  eventId?: string | undefined;
}

export interface InboundReceiverDeps {
  publish: PublishService;
  applications: ApplicationResolver;
  /** The request log (written in batches: answers never wait for it). */
  requests: SourceRequestLog;
  buckets: TokenBuckets;
  log: Logger;
}

/** What the HTTP adapter passes in about one request. */
export interface Arrival {
  source: SourceWithSecrets;
  remoteAddress: string;
  headers: Record<string, string>;
  receivedAt: Date;
}

const allowlists = new WeakMap<readonly string[], CidrSet>();
const allowlistOf = (cidrs: readonly string[]) => {
  let set = allowlists.get(cidrs);
  if (!set) allowlists.set(cidrs, (set = new CidrSet(cidrs)));
  return set;
};

/**
 * The inbound gateway's decisions, in order: allowlist (403), verification of the raw bytes (401, never
 * forwarded), the source's rate (429), then one event published to the source's application through the
 * {@link PublishService} (tenant rate limit, schema validation, Kafka acks=all) with an id derived from the
 * provider's delivery id, so a retry is answered like the first and publishes nothing. Every request is recorded.
 */
export class InboundReceiver {
  readonly #d: InboundReceiverDeps;

  constructor(deps: InboundReceiverDeps) {
    this.#d = deps;
  }

  /** Checks the source's IP allowlist before the body is read; an answer when the address is refused. */
  async admit(a: Arrival): Promise<InboundAnswer | null> {
    const { source } = a;
    if (source.allowedIps.length === 0 || allowlistOf(source.allowedIps).has(a.remoteAddress)) return null;
    const answer: InboundAnswer = { status: 403, body: { problem: 'this address may not post to this source', code: 'HKL_SOURCE_IP_FORBIDDEN' }, outcome: 'refused' };
    this.#record(a, answer, { verification: 'refused', reason: 'ip_not_allowed', bodyBytes: 0 });
    return answer;
  }

  /** Records a body refused as too large (the HTTP layer answered 413). */
  tooLarge(a: Arrival): void {
    this.#record(a, { status: 413, body: { problem: '', code: '' }, outcome: 'refused' }, { verification: 'refused', reason: 'too_large', bodyBytes: 0 });
  }

  async receive(a: Arrival, body: Buffer): Promise<InboundAnswer> {
    const { source } = a;
    const provider = source.provider as Provider;
    const req: InboundRequest = { body, headers: a.headers, nowSeconds: Math.floor(a.receivedAt.getTime() / 1000) };
    const base = { bodyBytes: body.length };
    const verdict = verifyInbound(source.settings as VerificationSettings, req, source.secrets);
    if (!verdict.ok) {
      const answer: InboundAnswer = { status: 401, body: { problem: `the request could not be verified (${verdict.reason})`, code: 'HKL_SOURCE_UNVERIFIED' }, outcome: 'unverified' };
      this.#record(a, answer, { ...base, verification: 'failed', reason: verdict.reason });
      return answer;
    }
    const verification = provider === 'none' ? 'skipped' : 'verified';
    const json = parseJson(body, a.headers['content-type']);
    const deliveryId = deliveryIdOf(provider, req, json);
    const type = source.eventType ?? eventTypeFrom(providerEventType(provider, req, json)) ?? `${provider}.webhook`;
    const logged = { ...base, verification, deliveryId, type } as const;

    // Slack checks a new Request URL with a challenge it wants echoed (a signed request, answered, not an event).
    const challenge = (json as { type?: unknown; challenge?: unknown } | undefined);
    if (provider === 'slack' && challenge?.type === 'url_verification' && typeof challenge.challenge === 'string') {
      const answer: InboundAnswer = { status: 200, body: { json: { challenge: challenge.challenge } }, outcome: 'accepted' };
      this.#record(a, answer, { ...logged, reason: 'url_verification' });
      return answer;
    }

    if (source.rateLimitPerSecond !== null) {
      const taken = this.#d.buckets.take(`source:${source.id}`, 1, { ratePerSecond: source.rateLimitPerSecond, burst: source.rateLimitPerSecond });
      if (!taken.ok) {
        const answer: InboundAnswer = {
          status: 429, body: { problem: "the source's rate limit (rateLimitPerSecond) was exceeded", code: 'HKL_RATE_LIMITED' },
          retryAfterSeconds: Math.max(1, Math.ceil(taken.retryAfterMs / 1000)), outcome: 'refused',
        };
        this.#record(a, answer, { ...logged, reason: 'rate_limited' });
        return answer;
      }
    }

    const app = source.applicationId
      ? await this.#d.applications.find(source.tenantId, source.applicationId)
      : await this.#d.applications.defaultFor(source.tenantId);
    if (!app) {
      const answer: InboundAnswer = { status: 404, body: { problem: 'no such source', code: 'HKL_API_NOT_FOUND' }, outcome: 'refused' };
      this.#record(a, answer, { ...logged, reason: 'application_missing' });
      return answer;
    }
    const eventId = deliveryId === undefined ? undefined : inboundEventId(source.id, deliveryId);
    let published;
    try {
      published = await this.#d.publish.publishOne(source.tenantId, app, {
        type,
        data: inboundData(body, a.headers['content-type'], json),
        id: eventId,
        headers: forwardedHeaders(keptHeaders({ body, headers: a.headers, nowSeconds: 0 })),
      });
    } catch (err) {
      if (!(err instanceof HooklineError)) {
        // Logged and answered 500 by the error handler; the log says the request arrived and what became of it.
        this.#record(a, { status: 500, body: { problem: '', code: '' }, outcome: 'failed' }, { ...logged, reason: 'internal_error' });
        throw err;
      }
      const answer: InboundAnswer = {
        status: err.status, body: { problem: err.message, code: err.code }, retryAfterSeconds: err.retryAfterSeconds, outcome: 'failed',
      };
      this.#record(a, answer, { ...logged, reason: err.code });
      return answer;
    }
    const duplicate = published.status === 200;
    const answer: InboundAnswer = {
      status: source.responseStatus,
      body: this.#responseBody(source, published.body.id),
      outcome: duplicate ? 'duplicate' : 'accepted',
      eventId: published.body.id,
    };
    this.#record(a, answer, { ...logged, reason: null, duplicate, eventId: published.body.id });
    return answer;
  }

  #responseBody(source: SourceWithSecrets, eventId: string): InboundAnswer['body'] {
    if (source.responseBody === null) return { json: { id: eventId } };
    try {
      return { json: JSON.parse(source.responseBody) as unknown };
    } catch {
      return { text: source.responseBody, contentType: 'text/plain; charset=utf-8' };
    }
  }

  /** Adds the request to the log (written in the background; a failure is logged, never another answer). */
  #record(
    a: Arrival,
    answer: InboundAnswer,
    r: { verification: string; reason?: string | null; bodyBytes: number; deliveryId?: string | undefined; type?: string; duplicate?: boolean; eventId?: string },
  ): void {
    this.#d.requests.add({
      sourceId: a.source.id,
      tenantId: a.source.tenantId,
      receivedAt: a.receivedAt,
      remoteAddress: a.remoteAddress,
      verification: r.verification,
      reason: r.reason ?? null,
      status: answer.status,
      eventId: r.eventId ?? null,
      eventType: r.type ?? null,
      deliveryId: r.deliveryId ?? null,
      duplicate: r.duplicate ?? false,
      headers: keptHeaders({ body: Buffer.alloc(0), headers: a.headers, nowSeconds: 0 }),
      bodyBytes: r.bodyBytes,
    });
  }
}
