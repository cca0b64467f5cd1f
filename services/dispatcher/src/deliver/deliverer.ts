import {
  isSentAttempt,
  newId,
  recordHeaders,
  type AttemptOutcome,
  type DeliveryRecord,
  type DeliveryStatus,
  type TopicNames,
} from '@hookline/contracts';
import type { CircuitState, DirectoryEndpoint, EndpointDirectoryRepository, EndpointHealthRepository } from '@hookline/db';
import { headerString, recordFailure, traceparentFor } from '@hookline/kafka';
import { SpanKind, SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';
import type { Logger } from '@hookline/telemetry';
import type { IHeaders } from 'kafkajs';
import type { HealthChange } from '../domain/endpoint-health.ts';
import type { DeliveryEnd } from '../domain/ordering.ts';
import { decide, outcomeOf, type Decision } from '../domain/outcome.ts';
import { attemptHandOff, retryRecords, type TopicRecords } from '../domain/handoff-records.ts';
import type { RetryTier } from '../domain/retry-policy.ts';
import { buildWebhookRequest, recordableHeaders } from '../domain/webhook-request.ts';
import type { SendOutcome, WebhookClient } from './webhook-client.ts';
import type { KafkaDestinationClient } from './kafka-destination-client.ts';
import type { PullStoreClient } from './pull-store-client.ts';
import { kafkaRecordHeaders, kafkaRecordKey } from '../domain/kafka-record-key.ts';
import type { WebhookRequest } from '../domain/webhook-request.ts';
import { activeSecrets, type EndpointDirectory } from '../fanout/endpoint-directory.ts';
import { CircuitOpenError, type BreakerRegistry } from './breakers.ts';
import type { EndpointLimits } from './endpoint-limits.ts';
import type { HealthTracker } from './health-tracker.ts';
import { aborted, HandOff } from '../handoff/hand-off.ts';
import type { CoalescingSender } from '@hookline/kafka';
import type { OperationalEvents } from '../handoff/operational-events.ts';
import type { DispatcherMetrics } from '../metrics/dispatcher-metrics.ts';

export interface DelivererDeps {
  /** The dispatcher's one sender, which the hand-off after each attempt produces through. */
  sender: CoalescingSender;
  topics: TopicNames;
  directory: EndpointDirectory;
  endpoints: EndpointDirectoryRepository;
  healthRepo: EndpointHealthRepository;
  health: HealthTracker;
  client: WebhookClient;
  /** Delivers to `kafka` endpoints (the same signed body as a record on their topic). */
  kafka: KafkaDestinationClient;
  /** Delivers to `pull` endpoints (the signed request stored for their consumer). */
  pull: PullStoreClient;
  breakers: BreakerRegistry;
  limits: EndpointLimits;
  operational: OperationalEvents;
  schedule: readonly number[];
  tiers: readonly RetryTier[];
  userAgent: string;
  defaultTimeoutMs: number;
  defaultMaxConcurrency: number;
  log: Logger;
  metrics?: DispatcherMetrics;
  now?: () => number;
  random?: () => number;
}

const tracer = trace.getTracer('hookline-dispatcher');

/** The endpoint URL as traces show it: no credentials, query values redacted. */
function safeUrl(raw: string): string {
  try {
    const u = new URL(raw);
    u.username = '';
    u.password = '';
    for (const key of [...u.searchParams.keys()]) u.searchParams.set(key, 'REDACTED');
    return u.toString();
  } catch {
    return 'invalid-url';
  }
}

/** The attempt span's attributes: OpenTelemetry's HTTP conventions (CLIENT span) or messaging ones (PRODUCER span, Kafka destinations), plus Hookline's ids. */
function clientSpanAttributes(delivery: DeliveryRecord, endpoint: DirectoryEndpoint): Attributes {
  let url: URL | undefined;
  try {
    url = new URL(endpoint.url);
  } catch {
    url = undefined;
  }
  const ids: Attributes = {
    'hookline.event_id': delivery.eventId,
    'hookline.delivery_id': delivery.deliveryId,
    'hookline.endpoint_id': endpoint.id,
    'hookline.tenant_id': delivery.tenantId,
    'hookline.application_id': delivery.applicationId ?? endpoint.applicationId,
    'hookline.attempt': delivery.attempt + 1,
  };
  if (endpoint.type === 'pull') return { 'db.system.name': 'postgresql', 'db.collection.name': 'pull_messages', ...ids };
  if (endpoint.type === 'kafka' && endpoint.kafka) {
    return {
      'messaging.system': 'kafka',
      'messaging.operation.type': 'send',
      'messaging.destination.name': endpoint.kafka.topic,
      'server.address': endpoint.kafka.bootstrapServers[0] ?? '',
      ...ids,
    };
  }
  return {
    'http.request.method': 'POST',
    'url.full': safeUrl(endpoint.url),
    ...(url ? { 'server.address': url.hostname, 'server.port': Number(url.port || (url.protocol === 'https:' ? 443 : 80)) } : {}),
    ...ids,
  };
}

const FAILURES: ReadonlySet<AttemptOutcome> = new Set(['http_error', 'timeout', 'network_error', 'ssrf_blocked', 'gone']);

/**
 * One delivery, end to end, in three stages. Before the send (endpoint from memory → per-endpoint limits →
 * breaker) a failure lets the caller run the whole delivery again. The send (signed POST) ends in an outcome,
 * never an exception. After the send the outcome is decided once (domain/outcome.ts), its records are built once
 * (domain/handoff-records.ts) and only the hand-off is retried — the attempt record plus the retry-tier / dead-letter
 * / operational records (handoff/operational-events.ts), produced together and acknowledged, and the endpoint's
 * state — until it succeeds or the dispatcher stops: a broker or database outage at that point never sends the
 * webhook again. The caller may commit the source record once `deliver` resolves.
 */
export class Deliverer {
  readonly #d: DelivererDeps;
  readonly #now: () => number;
  readonly #random: () => number;
  readonly #handOff: HandOff;

  constructor(deps: DelivererDeps) {
    this.#d = deps;
    this.#now = deps.now ?? Date.now;
    this.#random = deps.random ?? Math.random;
    this.#handOff = new HandOff({ sender: deps.sender, log: deps.log, metrics: deps.metrics, random: this.#random });
  }

  /** Reports a breaker state change (endpoint_health, logs). */
  static circuitChanged(healthRepo: EndpointHealthRepository, log: Logger) {
    return (endpointId: string, state: CircuitState) => {
      log.info({ endpoint_id: endpointId, circuit_state: state }, 'circuit state changed');
      healthRepo.setCircuitState(endpointId, state, new Date()).catch((err: unknown) => log.warn({ err, endpoint_id: endpointId }, 'could not record circuit state'));
    };
  }

  /** Resolves, once the delivery's records are handed on, with how it ended (ordered delivery lets its key go on by it). */
  async deliver(delivery: DeliveryRecord, headers: IHeaders | undefined, signal: AbortSignal): Promise<DeliveryEnd> {
    const endpoint = await this.#d.directory.resolve(delivery.endpointId);
    if (!endpoint || endpoint.disabled || endpoint.tenantId !== delivery.tenantId) {
      this.#d.log.info(
        { delivery_id: delivery.deliveryId, endpoint_id: delivery.endpointId, disabled_reason: endpoint?.disabledReason },
        'endpoint missing or disabled; delivery dropped',
      );
      return 'dropped';
    }
    const admission = await this.#d.limits.admit(endpoint.id, {
      maxConcurrency: endpoint.maxConcurrency ?? this.#d.defaultMaxConcurrency,
      rateLimitPerSecond: endpoint.rateLimitPerSecond,
    });
    if (!admission.ok) {
      // Hookline's own pacing (rate limit, too many queued): not an attempt, so no record and no retry budget spent
      // (the rule: isSentAttempt in @hookline/contracts); counted as deferred.
      this.#d.metrics?.deferred(admission.reason);
      await this.#handOff.send([retryRecords(this.#d.topics, this.#d.tiers, delivery, admission.retryInMs, this.#now())], delivery, headerString(headers, recordHeaders.traceparent));
      return 'deferred';
    }
    // The endpoint's slot is held for the request only, not while the attempt's records are produced.
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      admission.release();
    };
    try {
      return await this.#attempt(delivery, endpoint, headers, signal, release);
    } finally {
      release();
    }
  }

  /** One attempt inside an HTTP CLIENT span (OpenTelemetry HTTP conventions) whose context the webhook carries. */
  async #attempt(delivery: DeliveryRecord, endpoint: DirectoryEndpoint, headers: IHeaders | undefined, signal: AbortSignal, release: () => void): Promise<DeliveryStatus> {
    const name = endpoint.type === 'kafka' && endpoint.kafka ? `send ${endpoint.kafka.topic}` : endpoint.type === 'pull' ? 'INSERT pull_messages' : 'POST';
    return tracer.startActiveSpan(name, { kind: endpoint.type === 'kafka' ? SpanKind.PRODUCER : SpanKind.CLIENT }, async (span) => {
      // Attributes only for a span that records: most attempts are not sampled.
      if (span.isRecording()) span.setAttributes(clientSpanAttributes(delivery, endpoint));
      try {
        return await this.#attemptIn(span, delivery, endpoint, headers, signal, release);
      } catch (err) {
        recordFailure(span, err);
        throw err;
      } finally {
        span.end();
      }
    });
  }

  async #attemptIn(
    span: Span,
    delivery: DeliveryRecord,
    endpoint: DirectoryEndpoint,
    headers: IHeaders | undefined,
    signal: AbortSignal,
    release: () => void,
  ): Promise<DeliveryStatus> {
    const startedAt = new Date(this.#now());
    const traceparent = traceparentFor(span, headerString(headers, recordHeaders.traceparent));
    const request = buildWebhookRequest(
      delivery,
      { secrets: activeSecrets(endpoint, startedAt.getTime()), headers: endpoint.headers },
      { nowSeconds: Math.floor(startedAt.getTime() / 1000), userAgent: this.#d.userAgent, traceparent },
    );
    let sent: SendOutcome | null = null;
    let circuitWaitMs: number | undefined;
    try {
      sent = await this.#d.breakers.run(
        endpoint.id,
        () => this.#send(endpoint, delivery, request, endpoint.timeoutMs ?? this.#d.defaultTimeoutMs, signal),
        (s) => FAILURES.has(outcomeOf(s.result)),
      );
    } catch (err) {
      if (!(err instanceof CircuitOpenError)) throw err;
      circuitWaitMs = err.waitMs;
    } finally {
      release();
    }
    if (signal.aborted) throw aborted('send');

    const outcome: AttemptOutcome = sent ? outcomeOf(sent.result) : 'circuit_open';
    const attemptsMade = delivery.attempt + (isSentAttempt(outcome) ? 1 : 0);
    const result = sent?.result;
    const statusCode = result?.kind === 'response' ? result.statusCode : null;
    const decision = decide({
      outcome,
      attemptsMade,
      schedule: this.#d.schedule,
      retryAfter: result?.kind === 'response' ? result.retryAfter : undefined,
      statusCode,
      // Wait for the half-open probe, but at least the shortest tier so an open circuit is not polled.
      circuitWaitMs: Math.max(circuitWaitMs ?? 0, this.#d.tiers[0]!.delayMs),
      nowMs: startedAt.getTime(),
      random: this.#random(),
    });
    const { attempt, records } = attemptHandOff(this.#d.topics, this.#d.tiers, {
      attemptId: newId('att'),
      delivery,
      endpoint,
      outcome,
      decision,
      sent,
      requestHeaders: recordableHeaders(request.headers),
      startedAtMs: startedAt.getTime(),
      attemptsMade,
      nowMs: this.#now(),
    });
    span.setAttribute('hookline.outcome', outcome);
    if (statusCode !== null) span.setAttribute('http.response.status_code', statusCode);
    if (outcome !== 'succeeded') {
      span.setAttribute('error.type', statusCode !== null ? String(statusCode) : outcome);
      span.setStatus({ code: SpanStatusCode.ERROR, message: attempt.error ?? outcome });
    }
    this.#d.metrics?.attempt(outcome, { tenantId: delivery.tenantId, applicationId: attempt.applicationId, endpointId: endpoint.id }, attempt.durationMs);
    if (outcome === 'succeeded') this.#d.metrics?.delivered(delivery.eventCreatedAt, this.#now());
    if (decision.action === 'dead') this.#d.metrics?.dead();
    // After the send: the outcome is decided; from here only the hand-off is retried, never the request.
    const ids = { delivery_id: delivery.deliveryId, endpoint_id: endpoint.id, attempt: attempt.attempt };
    const change = await this.#healthChange(endpoint, outcome, startedAt);
    records.push(...(await this.#handOff.retryAfterSend('endpoint state', ids, signal, () => this.#healthRecords(endpoint, outcome, decision, delivery, change, startedAt))));
    await this.#handOff.sendAfterAttempt(records, delivery, attempt.attempt, traceparent, ids, signal);

    // Every attempt is persisted by the tracker; the log keeps the ones that went wrong (successes at debug).
    this.#d.log[outcome === 'succeeded' ? 'debug' : 'info'](
      { event_id: attempt.eventId, delivery_id: attempt.deliveryId, endpoint_id: attempt.endpointId, tenant_id: attempt.tenantId,
        attempt: attempt.attempt, outcome, status: attempt.status, status_code: statusCode, duration_ms: attempt.durationMs,
        next_attempt_at: attempt.nextAttemptAt },
      'delivery attempt',
    );
    return decision.status;
  }

  /** The send, by the endpoint's type: a signed POST, the same body and headers as a record on its Kafka topic, or stored for a pull endpoint's consumer. */
  #send(endpoint: DirectoryEndpoint, delivery: DeliveryRecord, request: WebhookRequest, timeoutMs: number, signal: AbortSignal): Promise<SendOutcome> {
    if (endpoint.type === 'pull') return this.#d.pull.store(endpoint.id, delivery, request);
    if (endpoint.type !== 'kafka' || !endpoint.kafka) return this.#d.client.post(endpoint.url, request, timeoutMs, signal);
    const record = { key: kafkaRecordKey(delivery, endpoint.kafka.key), value: request.body, headers: kafkaRecordHeaders(request.headers) };
    return this.#d.kafka.send(endpoint.id, endpoint.kafka, record, timeoutMs, signal);
  }

  /**
   * What the attempt changes in the endpoint's health, recorded once. Health is bookkeeping: PostgreSQL being slow or
   * away must not hold the attempt up; a missed write is caught up by the endpoint's next attempt.
   */
  async #healthChange(endpoint: DirectoryEndpoint, outcome: AttemptOutcome, at: Date): Promise<HealthChange> {
    if (!isSentAttempt(outcome) || endpoint.tenantId === 'hookline') return { kind: 'none' };
    return (outcome === 'succeeded' ? this.#d.health.success(endpoint.id, at) : this.#d.health.failure(endpoint.id, at)).catch(
      (err: unknown): HealthChange => {
        this.#d.log.warn({ err, endpoint_id: endpoint.id }, 'could not record endpoint health; the attempt goes on');
        return { kind: 'none' };
      },
    );
  }

  /** Endpoint side effects of an attempt: disable (gone, failing too long), recovered, exhausted. Safe to run again. */
  async #healthRecords(
    endpoint: DirectoryEndpoint,
    outcome: AttemptOutcome,
    decision: Decision,
    delivery: DeliveryRecord,
    change: HealthChange,
    at: Date,
  ): Promise<TopicRecords[]> {
    const subject = { tenantId: endpoint.tenantId, endpointId: endpoint.id };
    const out: TopicRecords[] = [];
    const op = this.#d.operational;
    if (decision.action === 'dead') {
      out.push(...op.records('delivery.exhausted', subject, { deliveryId: delivery.deliveryId, eventId: delivery.eventId, attempts: delivery.attempt + 1, lastOutcome: outcome }, at));
    }
    if (!isSentAttempt(outcome) || endpoint.tenantId === 'hookline') return out;
    let disableReason: string | null = decision.action === 'done' && decision.disableEndpoint ? decision.disableEndpoint : null;
    if (change.kind === 'disable') disableReason ??= 'failing';
    if (change.kind === 'recovered') {
      out.push(...op.records('endpoint.recovered', subject, { failingSince: new Date(change.failingSince).toISOString() }, at));
    }
    if (disableReason && (await this.#d.endpoints.disable(endpoint.id, disableReason))) {
      this.#d.directory.markDisabled(endpoint.id, disableReason);
      this.#d.log.warn({ endpoint_id: endpoint.id, disabled_reason: disableReason }, 'endpoint disabled');
      out.push(...op.records('endpoint.disabled', subject, { reason: disableReason, url: endpoint.url }, at));
    }
    return out;
  }
}
