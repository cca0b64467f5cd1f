import { isSentAttempt, type AttemptOutcome } from '@hookline/contracts';
import type { CircuitState } from '@hookline/db';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { DeferReason } from '../deliver/endpoint-limits.ts';
import type { HandoverResult } from '../deliver/partition-pipeline.ts';

const seconds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * The dispatcher's delivery metrics. Cardinality stays bounded: outcomes by tenant, by application unless
 * `METRICS_APPLICATION_LABELS=false`, and per endpoint only when `METRICS_ENDPOINT_LABELS=true`; breaker state per endpoint only for breakers that are not closed (at most
 * CIRCUIT_MAX_BREAKERS series).
 */
export class DispatcherMetrics {
  readonly #deliveries: Counter;
  readonly #byEndpoint: Counter | undefined;
  readonly #byApplication: Counter | undefined;
  readonly #duration: Histogram;
  readonly #latency: Histogram;
  readonly #dead: Counter;
  readonly #handOffRetries: Counter;
  readonly #skipped: Counter;
  readonly #deferred: Counter;
  readonly #handedOver: Counter;

  constructor(
    registry: Registry,
    opts: {
      endpointLabels: boolean;
      applicationLabels: boolean;
      inFlight: () => number;
      breakers: () => Array<{ endpointId: string; state: CircuitState }>;
      /** Registry-framed events fan-out holds while the schema registry does not answer. */
      heldEvents?: () => number;
    },
  ) {
    const registers = [registry];
    this.#deliveries = new Counter({ name: 'hookline_delivery_attempts_total', help: 'Delivery attempts by outcome and tenant', labelNames: ['outcome', 'tenant_id'], registers });
    if (opts.endpointLabels) {
      this.#byEndpoint = new Counter({ name: 'hookline_endpoint_delivery_attempts_total', help: 'Delivery attempts by outcome and endpoint (METRICS_ENDPOINT_LABELS=true)', labelNames: ['outcome', 'endpoint_id'], registers });
    }
    if (opts.applicationLabels) {
      this.#byApplication = new Counter({
        name: 'hookline_application_delivery_attempts_total',
        help: 'Delivery attempts by outcome and application (METRICS_APPLICATION_LABELS=true)',
        labelNames: ['outcome', 'application_id'],
        registers,
      });
    }
    this.#duration = new Histogram({ name: 'hookline_delivery_attempt_duration_seconds', help: 'Duration of delivery attempts (the HTTP call), by outcome', labelNames: ['outcome'], buckets: seconds, registers });
    this.#latency = new Histogram({
      name: 'hookline_delivery_latency_seconds',
      help: 'End to end: from the event being accepted to its successful delivery',
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3_600, 86_400],
      registers,
    });
    this.#handedOver = new Counter({
      name: 'hookline_deliveries_handed_over_total',
      help: 'Fan-out records handed straight to this dispatcher\'s deliver pipeline: started on the broker\'s acknowledgement, fetched first, or left to the deliver consumer (another partition owner, pipeline full)',
      labelNames: ['result'],
      registers,
    });
    this.#dead = new Counter({ name: 'hookline_dead_letters_total', help: 'Deliveries sent to the dead-letter topic (retries exhausted)', registers });
    this.#handOffRetries = new Counter({
      name: 'hookline_hand_off_retries_total',
      help: 'Retries of a step after a webhook was sent (records produced, endpoint state): the webhook itself is not sent again',
      labelNames: ['step'],
      registers,
    });
    this.#skipped = new Counter({
      name: 'hookline_deliveries_skipped_total',
      help: 'Delivery records not sent: already_succeeded (a repeat the tracker recorded as succeeded), ordering_wait (behind its key\'s head on an ordered endpoint; sent when its turn comes), ordering_done (a stale retry copy of an ordered delivery already done)',
      labelNames: ['reason'],
      registers,
    });
    this.#deferred = new Counter({
      name: 'hookline_deliveries_deferred_total',
      help: "Deliveries re-queued to a retry tier by the endpoint's own limits before any attempt (rate_limit: rateLimitPerSecond; concurrency: maxConcurrency queue too long); no attempt spent or recorded",
      labelNames: ['reason'],
      registers,
    });
    new Gauge({ name: 'hookline_deliveries_in_flight', help: 'Deliveries this instance is working on', registers, collect() { this.set(opts.inFlight()); } });
    new Gauge({
      name: 'hookline_fanout_held_events',
      help: 'Registry-framed events fan-out holds (decoded again with backoff) while the schema registry does not answer',
      registers,
      collect() {
        this.set(opts.heldEvents?.() ?? 0);
      },
    });
    new Gauge({
      name: 'hookline_circuit_breakers',
      help: 'Breakers by state (closed counts only those tracked)',
      labelNames: ['state'],
      registers,
      collect() {
        this.reset();
        const counts: Record<string, number> = { open: 0, half_open: 0 };
        for (const b of opts.breakers()) counts[b.state] = (counts[b.state] ?? 0) + 1;
        for (const [state, n] of Object.entries(counts)) this.set({ state }, n);
      },
    });
    new Gauge({
      name: 'hookline_endpoint_circuit_open',
      help: 'Endpoints whose breaker is open (1) or half-open (0.5); closed breakers are not listed',
      labelNames: ['endpoint_id'],
      registers,
      collect() {
        this.reset();
        for (const b of opts.breakers()) this.set({ endpoint_id: b.endpointId }, b.state === 'open' ? 1 : 0.5);
      },
    });
  }

  attempt(outcome: AttemptOutcome, who: { tenantId: string; applicationId: string | undefined; endpointId: string }, durationMs: number): void {
    this.#deliveries.inc({ outcome, tenant_id: who.tenantId });
    this.#byEndpoint?.inc({ outcome, endpoint_id: who.endpointId });
    if (who.applicationId) this.#byApplication?.inc({ outcome, application_id: who.applicationId });
    // A skip (open circuit) sent nothing: no duration to observe.
    if (isSentAttempt(outcome)) this.#duration.observe({ outcome }, durationMs / 1000);
  }

  delivered(eventCreatedAt: string, now: number): void {
    const created = Date.parse(eventCreatedAt);
    if (Number.isFinite(created)) this.#latency.observe(Math.max(0, now - created) / 1000);
  }

  dead(): void {
    this.#dead.inc();
  }

  handOffRetry(step: string): void {
    this.#handOffRetries.inc({ step });
  }

  skipped(reason: string): void {
    this.#skipped.inc({ reason });
  }

  /** What became of one delivery record fan-out handed over (deliver/direct-handover.ts). */
  handedOver(result: HandoverResult): void {
    this.#handedOver.inc({ result });
  }

  /** A delivery re-queued by the endpoint's own limits before any attempt (not an attempt: nothing recorded). */
  deferred(reason: DeferReason): void {
    this.#deferred.inc({ reason });
  }
}
