import { HooklineError } from '../domain/errors.ts';

/** A schema's format as the Confluent REST API names it (`schemaType`; absent means AVRO). */
export type RegistrySchemaType = 'JSON' | 'AVRO' | 'PROTOBUF';

export const REGISTRY_TYPES = { json: 'JSON', avro: 'AVRO', protobuf: 'PROTOBUF' } as const satisfies Record<string, RegistrySchemaType>;

/** How long one registry request may take before the registry counts as unavailable. */
const REQUEST_TIMEOUT_MS = 5_000;
/** What a 503 caused by the registry asks clients to wait. */
const RETRY_AFTER_SECONDS = 5;

const unavailable = (what: string, cause?: unknown) =>
  new HooklineError({ code: 'HKL_SCHEMA_REGISTRY_UNAVAILABLE', status: 503, retryable: true, retryAfterSeconds: RETRY_AFTER_SECONDS, message: `the schema registry ${what}`, cause });

/** The registry's words without the Java exception class some registries (Apicurio) put in front. */
const explanation = (body: unknown): string => {
  const message = typeof (body as { message?: unknown })?.message === 'string' ? (body as { message: string }).message : '';
  return message.replace(/^[\w.$]+(?:Exception|Error):\s*/, '').slice(0, 1_000);
};

/**
 * Event type schemas in a Confluent-compatible Schema Registry, through its REST API only (subjects, versions,
 * config, schemas by id): one subject per tenant and event type, `hookline-<tenant>-<type>`, in the type's format
 * (JSON Schema, Avro or Protobuf), with BACKWARD compatibility (a new version must read what the previous one
 * wrote), so the registry refuses a schema change that would break consumers.
 */
export class SchemaRegistryClient {
  readonly #baseUrl: string;

  constructor(baseUrl: string) {
    this.#baseUrl = baseUrl.replace(/\/+$/, '');
  }

  static subject(tenantId: string, type: string): string {
    return `hookline-${tenantId}-${type}`;
  }

  /**
   * Registers a schema version under `subject` (an identical schema returns its existing version). A schema in
   * another format than the subject's latest version, or one the registry finds incompatible, is a 409 carrying
   * the registry's explanation; one the registry cannot parse a 422; no answer a 503.
   */
  async register(subject: string, type: RegistrySchemaType, schema: string, field: string): Promise<{ id: number; version: number }> {
    const path = `/subjects/${encodeURIComponent(subject)}`;
    const latest = await this.#call('GET', `${path}/versions/latest`);
    if (latest.status === 200) {
      // The format of the latest schema itself: a subject's own schemaType can be stale (Apicurio keeps the first
      // format of a subject that was soft-deleted and registered again in another).
      const latestId = (latest.body as { id?: unknown }).id;
      const current = typeof latestId === 'number' ? (await this.schemaById(latestId)).type : type;
      if (current !== type) {
        throw new HooklineError({
          code: 'HKL_SCHEMA_FORMAT_CHANGE',
          status: 409,
          message: `subject ${subject} holds ${current} schemas: a ${type} schema cannot be backward compatible with them (delete the event type first, or use another name)`,
        });
      }
    } else if (latest.status !== 404) {
      throw unavailable(`answered ${latest.status} reading subject ${subject}`);
    }
    const config = await this.#call('PUT', `/config/${encodeURIComponent(subject)}`, { compatibility: 'BACKWARD' });
    if (config.status !== 200) throw unavailable(`answered ${config.status} setting the compatibility of ${subject}`);

    const body = { schema, ...(type === 'AVRO' ? {} : { schemaType: type }) };
    const registered = await this.#call('POST', `${path}/versions`, body);
    if (registered.status === 409) {
      throw new HooklineError({
        code: 'HKL_SCHEMA_INCOMPATIBLE',
        status: 409,
        message: `the schema is not backward compatible with the current version of subject ${subject}: ${explanation(registered.body) || 'the registry gave no reason'}`,
      });
    }
    if (registered.status >= 400 && registered.status < 500) {
      // The registry judged the document itself (a schema it cannot parse): the caller's to fix, not a retry.
      throw new HooklineError({
        code: 'HKL_SCHEMA_REFUSED',
        status: 422,
        message: 'the schema registry refused the schema',
        errors: [{ path: field, message: `refused by the schema registry (${registered.status}): ${explanation(registered.body)}` }],
      });
    }
    const id = (registered.body as { id?: unknown }).id;
    if (registered.status !== 200 || typeof id !== 'number') throw unavailable(`answered ${registered.status} registering a schema under ${subject}`);

    // The version of exactly this schema (re-registering an older one answers its old version, not the latest).
    const found = await this.#call('POST', path, body);
    const version = (found.body as { version?: unknown }).version;
    if (found.status !== 200 || typeof version !== 'number') throw unavailable(`answered ${found.status} looking up the version of schema ${id}`);
    return { id, version };
  }

  /** The schema registered under a (global, immutable) id; a 409 when the registry does not have it. */
  async schemaById(id: number): Promise<{ type: RegistrySchemaType; schema: string }> {
    const res = await this.#call('GET', `/schemas/ids/${id}`);
    if (res.status === 404) {
      throw new HooklineError({
        code: 'HKL_SCHEMA_NOT_IN_REGISTRY',
        status: 409,
        message: `the schema registry has no schema ${id} (was it reset?): PUT the event type again to register its schema`,
      });
    }
    const body = res.body as { schema?: unknown; schemaType?: string };
    if (res.status !== 200 || typeof body.schema !== 'string') throw unavailable(`answered ${res.status} reading schema ${id}`);
    return { type: (body.schemaType ?? 'AVRO').toUpperCase() as RegistrySchemaType, schema: body.schema };
  }

  /** Deletes the subject and its versions (soft delete, as the registry defines it: ids stay readable). */
  async delete(subject: string): Promise<void> {
    await this.#call('DELETE', `/subjects/${encodeURIComponent(subject)}`);
  }

  /** True when the registry answers (for `/readyz`). */
  async ping(): Promise<boolean> {
    try {
      return (await this.#call('GET', '/subjects')).status === 200;
    } catch {
      return false;
    }
  }

  /** One request; a registry that does not answer, or answers 5xx, is unavailable. */
  async #call(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    let res: Response;
    try {
      res = await fetch(`${this.#baseUrl}${path}`, {
        method,
        headers: { accept: 'application/vnd.schemaregistry.v1+json, application/json', ...(body === undefined ? {} : { 'content-type': 'application/vnd.schemaregistry.v1+json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (err) {
      throw unavailable('did not answer', err);
    }
    const text = await res.text().catch(() => '');
    if (res.status >= 500) throw unavailable(`answered ${res.status}: ${explanation(safeJson(text))}`);
    return { status: res.status, body: safeJson(text) };
  }
}

const safeJson = (text: string): unknown => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return {};
  }
};
