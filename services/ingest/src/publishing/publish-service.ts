import { createHash } from 'node:crypto';
import { newId, type TokenBuckets } from '@hookline/contracts';
import type { IdempotencyRepository, Reservation } from '@hookline/db';
import { HooklineError, validationFailed } from '../domain/errors.ts';
import type { EventPublisher } from '../kafka/event-publisher.ts';
import { frame } from '../schemas/registry-framing.ts';
import type { RegistrySchemas } from '../schemas/registry-schemas.ts';
import type { SchemaCodec } from '../schemas/schema-codec.ts';
import type { EventTypeCache } from './event-type-cache.ts';

/** An event as a caller submits it. */
export interface EventInput {
  type: string;
  data: Record<string, unknown>;
  id?: string | undefined;
  /** Deliver to this endpoint only (endpoint tests). */
  endpointId?: string | undefined;
  /** Headers forwarded with the event's webhooks (inbound sources). */
  headers?: Record<string, string> | undefined;
  /** String metadata content filters can match; kept with the event. */
  metadata?: Record<string, string> | undefined;
  /** Ordered endpoints receive one key's events one at a time, in publish order. */
  orderingKey?: string | undefined;
}

/** The application events are published to: they fan out to its endpoints, within its publish rate. */
export interface TargetApplication {
  id: string;
  rateLimitPerSecond: number | null;
}

/** What the API answers for a published event. */
export interface PublishedEvent {
  id: string;
  type: string;
  createdAt: string;
}

/**
 * How the events go onto the events topic: `json` (the JSON envelope) or `registry` (registry-framed, routing in
 * headers); undefined: each event type's `recordFormat`.
 */
export type PublishFormat = 'json' | 'registry' | undefined;

export interface PublishResult<T> {
  status: number;
  body: T;
}

const hash = (value: unknown): Buffer => createHash('sha256').update(JSON.stringify(value)).digest();

/** What publishing needs. */
export interface PublishDeps {
  publisher: EventPublisher;
  eventTypes: EventTypeCache;
  schemas: RegistrySchemas;
  idempotency: IdempotencyRepository;
  buckets: TokenBuckets;
  /** How long a reservation is held while its Kafka ack is awaited (then a retry may take it over). */
  lockMs: number;
}

/** Event ids and time fixed before anything is published, so a retry after a crash publishes the same events. */
interface Plan {
  ids: string[];
  createdAt: string;
}

/**
 * Publishing with every rule in one place: the tenant's rate limit, schema validation (all-or-nothing, every
 * violation listed), caller-supplied event ids (a repeat returns the first event, 200) and `Idempotency-Key`s
 * (a repeat returns the original response; another body with the same key is a 409). Answers only after Kafka
 * acknowledged the events.
 */
export class PublishService {
  readonly #d: PublishDeps;

  constructor(deps: PublishDeps) {
    this.#d = deps;
  }

  async publishOne(tenantId: string, app: TargetApplication, input: EventInput, idempotencyKey?: string, format?: PublishFormat): Promise<PublishResult<PublishedEvent>> {
    return this.#withKey(tenantId, idempotencyKey, { route: 'event', app: app.id, input, format }, [input], async (plan) => {
      const [result] = await this.#publishPlanned(tenantId, app, [input], plan, [''], format);
      return result!;
    });
  }

  async publishBatch(
    tenantId: string,
    app: TargetApplication,
    inputs: readonly EventInput[],
    idempotencyKey?: string,
    format?: PublishFormat,
  ): Promise<PublishResult<{ data: Array<{ id: string }> }>> {
    return this.#withKey(tenantId, idempotencyKey, { route: 'batch', app: app.id, inputs, format }, inputs, async (plan) => {
      const results = await this.#publishPlanned(tenantId, app, inputs, plan, inputs.map((_, i) => `events.${i}.`), format);
      return { status: 202, body: { data: results.map((r) => ({ id: r.body.id })) } };
    });
  }

  /** Rate limit, validate, then publish with the planned ids; returns each event's response (200 for an id published before). */
  async #publishPlanned(
    tenantId: string,
    app: TargetApplication,
    inputs: readonly EventInput[],
    plan: Plan,
    paths: readonly string[],
    format: PublishFormat,
  ): Promise<Array<PublishResult<PublishedEvent>>> {
    this.#admit(`tenant:${tenantId}`, inputs.length, undefined, 'the tenant publish rate limit (TENANT_PUBLISH_RATE) was exceeded');
    if (app.rateLimitPerSecond !== null) {
      const limit = { ratePerSecond: app.rateLimitPerSecond, burst: app.rateLimitPerSecond };
      this.#admit(`app:${app.id}`, inputs.length, limit, "the application's publish rate limit (rateLimitPerSecond) was exceeded");
    }
    const framed = await this.#validate(tenantId, inputs, paths, format);

    const results: Array<PublishResult<PublishedEvent> | undefined> = [];
    const toSend: Array<{ index: number; event: PublishedEvent }> = [];
    const callerIds: string[] = [];
    for (const [index, input] of inputs.entries()) {
      const planned: PublishedEvent = { id: plan.ids[index]!, type: input.type, createdAt: plan.createdAt };
      if (input.id === undefined) {
        toSend.push({ index, event: planned });
        continue;
      }
      const reservation = await this.#reserve(tenantId, 'event', input.id, hash(input.id), planned);
      if (reservation.kind === 'done') {
        results[index] = { status: 200, body: reservation.response as PublishedEvent };
      } else {
        toSend.push({ index, event: reservation.planned as PublishedEvent });
        callerIds.push(input.id);
      }
    }

    try {
      await this.#d.publisher.publish(
        toSend.map(({ index, event }) => ({
          ...event,
          tenantId,
          application: app.id,
          data: inputs[index]!.data,
          endpointId: inputs[index]!.endpointId,
          ...(inputs[index]!.headers ? { headers: inputs[index]!.headers } : {}),
          ...(inputs[index]!.metadata ? { metadata: inputs[index]!.metadata } : {}),
          ...(inputs[index]!.orderingKey ? { orderingKey: inputs[index]!.orderingKey } : {}),
          framed: framed[index],
        })),
      );
    } catch (err) {
      await Promise.all(callerIds.map((id) => this.#d.idempotency.unlock(tenantId, 'event', id)));
      throw err;
    }
    for (const { index, event } of toSend) results[index] = { status: 202, body: event };
    await Promise.all(toSend.filter(({ index }) => inputs[index]!.id !== undefined).map(({ event }) =>
      this.#d.idempotency.complete(tenantId, 'event', event.id, 200, event)));
    return results as Array<PublishResult<PublishedEvent>>;
  }

  #admit(key: string, count: number, limit: { ratePerSecond: number; burst: number } | undefined, message: string): void {
    const taken = this.#d.buckets.take(key, count, limit);
    if (taken.ok) return;
    throw new HooklineError({ code: 'HKL_RATE_LIMITED', status: 429, message, retryAfterSeconds: Math.max(1, Math.ceil(taken.retryAfterMs / 1000)) });
  }

  /**
   * Validates every event of a typed event type against its schema (all-or-nothing, every violation listed) and
   * frames those going onto the topic registry-framed; returns each event's framed value (undefined: JSON envelope).
   * Endpoint test events always travel as the envelope, which alone can name their endpoint.
   */
  async #validate(tenantId: string, inputs: readonly EventInput[], paths: readonly string[], format: PublishFormat): Promise<Array<Buffer | undefined>> {
    const framed: Array<Buffer | undefined> = inputs.map(() => undefined);
    const types = await this.#d.eventTypes.schemasFor(tenantId, inputs.map((i) => i.type));
    if (types.size === 0 && format !== 'registry') return framed;
    const framing = (input: EventInput) => input.endpointId === undefined && (format ?? types.get(input.type)?.recordFormat ?? 'json') === 'registry';
    const framedTypes = new Set(inputs.filter(framing).map((i) => i.type));
    const codecs = new Map<string, SchemaCodec>();
    for (const type of types.values()) codecs.set(type.name, await this.#d.schemas.codecFor(tenantId, type, framedTypes.has(type.name)));

    const errors: Array<{ path: string; message: string }> = [];
    for (const [i, input] of inputs.entries()) {
      const type = types.get(input.type);
      const codec = codecs.get(input.type);
      const violations = codec ? codec.violations(input.data) : [];
      for (const v of violations) errors.push({ path: `${paths[i]}${v.path}`, message: v.message });
      if (!framing(input)) continue;
      if (!type || !codec || type.schemaId === null) {
        errors.push({ path: `${paths[i]}type`, message: `event type "${input.type}" has no schema in the schema registry, which a registry-framed record needs` });
        continue;
      }
      if (violations.length > 0) continue;
      try {
        framed[i] = frame(type.schemaId, codec.format, codec.encode(input.data));
      } catch (err) {
        errors.push({ path: `${paths[i]}data`, message: `cannot be encoded with the ${codec.format} schema: ${(err as Error).message}` });
      }
    }
    if (errors.length > 0) throw validationFailed(errors, "data does not match the event type's schema");
    return framed;
  }

  /**
   * Runs `work` at most once per idempotency key with ids planned up front; repeats get the stored response,
   * and a retry after a crash takes the reservation over with the first holder's plan.
   */
  async #withKey<T>(
    tenantId: string,
    key: string | undefined,
    request: unknown,
    inputs: readonly EventInput[],
    work: (plan: Plan) => Promise<PublishResult<T>>,
  ): Promise<PublishResult<T>> {
    const plan: Plan = { ids: inputs.map((i) => i.id ?? newId('evt')), createdAt: new Date().toISOString() };
    if (key === undefined) return work(plan);
    if (key.length === 0 || key.length > 255) throw validationFailed([{ path: 'Idempotency-Key', message: 'must be 1–255 characters' }], 'invalid Idempotency-Key header');
    const reservation = await this.#reserve(tenantId, 'key', key, hash(request), plan);
    if (reservation.kind === 'done') {
      if (!reservation.sameRequest) throw conflict();
      const stored = reservation.response as PublishResult<T>;
      return { status: stored.status, body: stored.body };
    }
    try {
      const result = await work(reservation.planned as Plan);
      await this.#d.idempotency.complete(tenantId, 'key', key, result.status, result);
      return result;
    } catch (err) {
      // Whatever happened, the next request with this key may go ahead at once, with the same plan.
      await this.#d.idempotency.unlock(tenantId, 'key', key);
      throw err;
    }
  }

  /** Reserves a key, waiting (bounded) while another request holds it. */
  async #reserve(tenantId: string, scope: 'key' | 'event', key: string, requestHash: Buffer, planned: unknown): Promise<Exclude<Reservation, { kind: 'in_progress' }>> {
    const deadline = Date.now() + this.#d.lockMs + 1_000;
    for (;;) {
      const r = await this.#d.idempotency.reserve(tenantId, scope, key, requestHash, planned, this.#d.lockMs);
      if (r.kind !== 'in_progress') return r;
      if (!r.sameRequest) throw conflict();
      if (Date.now() > deadline) {
        throw new HooklineError({ code: 'HKL_IDEMPOTENCY_IN_PROGRESS', status: 409, message: 'a request with this key is still in progress', retryAfterSeconds: 1 });
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}

const conflict = () =>
  new HooklineError({ code: 'HKL_IDEMPOTENCY_MISMATCH', status: 409, message: 'this Idempotency-Key was used with a different request' });
