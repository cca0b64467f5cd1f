import type { EventType } from '@hookline/db';
import { HooklineError } from '../domain/errors.ts';
import { compileAvro } from './avro-codec.ts';
import { jsonCodec } from './json-codec.ts';
import { compileProtobuf } from './protobuf-codec.ts';
import { SchemaProblem, type SchemaCodec } from './schema-codec.ts';
import { REGISTRY_TYPES, type SchemaRegistryClient } from './schema-registry-client.ts';
import type { SchemaValidator } from './schema-validator.ts';

const MAX_CACHED = 10_000;

/**
 * The codec of each event type's schema. JSON Schema types validate from their PostgreSQL copy, as always (no
 * registry needed). Avro and Protobuf schemas come from the registry by schema id and are cached by id for the
 * life of the process (a registry never changes what an id means), so a registry outage only stops publishes of
 * types whose schema this instance has not loaded yet: those answer 503 with Retry-After.
 */
export class RegistrySchemas {
  readonly #registry: SchemaRegistryClient | undefined;
  readonly #validator: SchemaValidator;
  readonly #byId = new Map<number, Promise<SchemaCodec>>();

  constructor(registry: SchemaRegistryClient | undefined, validator: SchemaValidator) {
    this.#registry = registry;
    this.#validator = validator;
  }

  /** Remembers the codec of a schema just registered under `id` (what the registry now holds under it). */
  seed(id: number, codec: SchemaCodec): void {
    this.#remember(id, Promise.resolve(codec));
  }

  /** The codec validating (and encoding) `data` of an event type with a schema. */
  async codecFor(tenantId: string, type: EventType): Promise<SchemaCodec> {
    if (type.schemaFormat === 'json') return jsonCodec(this.#validator, `${tenantId}/${type.name}/${type.updatedAt.getTime()}`, type.schema!);
    const id = type.schemaId;
    if (id === null || !this.#registry) {
      throw new HooklineError({
        code: 'HKL_SCHEMA_REGISTRY_UNAVAILABLE',
        status: 503,
        message: `event type ${type.name} has a ${type.schemaFormat} schema, and no schema registry is configured (SCHEMA_REGISTRY_URL)`,
      });
    }
    let codec = this.#byId.get(id);
    if (!codec) {
      codec = this.#load(id, type);
      this.#remember(id, codec);
      // A failed load (registry away) is tried again by the next publish.
      codec.catch(() => this.#byId.get(id) === codec && this.#byId.delete(id));
    }
    return codec;
  }

  async #load(id: number, type: EventType): Promise<SchemaCodec> {
    const found = await this.#registry!.schemaById(id);
    const stale = (why: string) =>
      new HooklineError({
        code: 'HKL_SCHEMA_NOT_IN_REGISTRY',
        status: 409,
        message: `schema ${id} of event type ${type.name} in the schema registry ${why}: PUT the event type again to register its schema`,
      });
    if (found.type !== REGISTRY_TYPES[type.schemaFormat!]) throw stale(`is ${found.type}, not ${type.schemaFormat} (was the registry reset?)`);
    try {
      if (found.type === 'PROTOBUF') return compileProtobuf(found.schema);
      if (found.type === 'AVRO') return compileAvro(JSON.parse(found.schema) as Record<string, unknown>);
      return jsonCodec(this.#validator, `id:${id}`, JSON.parse(found.schema) as Record<string, unknown>);
    } catch (err) {
      if (err instanceof SchemaProblem || err instanceof SyntaxError) throw stale(`cannot be compiled (${err.message})`);
      throw err;
    }
  }

  #remember(id: number, codec: Promise<SchemaCodec>): void {
    if (this.#byId.size >= MAX_CACHED && !this.#byId.has(id)) this.#byId.delete(this.#byId.keys().next().value!);
    this.#byId.set(id, codec);
  }
}
