import type { EventType } from '@hookline/db';
import { HooklineError } from '../domain/errors.ts';
import { jsonCodec } from './json-codec.ts';
import { avroCodec, protobufCodec } from './binary-codecs.ts';
import { SchemaProblem, type SchemaCodec } from './schema-codec.ts';
import { REGISTRY_TYPES, type SchemaRegistryClient } from './schema-registry-client.ts';
import type { SchemaValidator } from './schema-validator.ts';

const MAX_CACHED = 10_000;

/**
 * The codec of each event type's schema, compiled from its PostgreSQL copy. JSON Schema types validate from it
 * alone, as always. Avro and Protobuf types, and every registry-framed record, also need the registry to hold
 * that very schema under the type's schema id: checked once per id (and schema) for the life of the process —
 * a registry never changes what an id means — so a registry outage only stops publishes whose schema this
 * instance has not confirmed yet (503 with Retry-After), and a registry that lost or reassigned the id (a reset)
 * answers 409 instead of records framed with an id that means something else.
 */
export class RegistrySchemas {
  readonly #registry: SchemaRegistryClient | undefined;
  readonly #validator: SchemaValidator;
  /** Compiled stored schemas by tenant, type and version of the row. */
  readonly #compiled = new Map<string, SchemaCodec>();
  /** Confirmations that the registry holds a schema under an id, by `<id>/<fingerprint>`. */
  readonly #confirmed = new Map<string, Promise<void>>();

  constructor(registry: SchemaRegistryClient | undefined, validator: SchemaValidator) {
    this.#registry = registry;
    this.#validator = validator;
  }

  /** Remembers that the registry has just registered the schema of this fingerprint under `id`. */
  seed(id: number, fingerprint: string): void {
    this.#remember(this.#confirmed, `${id}/${fingerprint}`, Promise.resolve());
  }

  /**
   * The codec validating (and encoding) `data` of an event type with a schema; `framed`: events of the type are
   * about to be written registry-framed with its schema id.
   */
  async codecFor(tenantId: string, type: EventType, framed: boolean): Promise<SchemaCodec> {
    const codec = await this.#compile(tenantId, type);
    if (type.schemaFormat === 'json' && (!framed || type.schemaId === null)) return codec;
    if (type.schemaId === null || !this.#registry) {
      throw new HooklineError({
        code: 'HKL_SCHEMA_REGISTRY_UNAVAILABLE',
        status: 503,
        message: `event type ${type.name} has a ${type.schemaFormat} schema, and no schema registry is configured (SCHEMA_REGISTRY_URL)`,
      });
    }
    const key = `${type.schemaId}/${codec.fingerprint}`;
    let confirmed = this.#confirmed.get(key);
    if (!confirmed) {
      confirmed = this.#confirm(type, codec);
      this.#remember(this.#confirmed, key, confirmed);
      // A failed confirmation (registry away) is tried again by the next publish.
      confirmed.catch(() => this.#confirmed.get(key) === confirmed && this.#confirmed.delete(key));
    }
    await confirmed;
    return codec;
  }

  async #compile(tenantId: string, type: EventType): Promise<SchemaCodec> {
    const key = `${tenantId}/${type.name}/${type.updatedAt.getTime()}`;
    let codec = this.#compiled.get(key);
    if (!codec) {
      codec =
        type.schemaFormat === 'avro' ? (await avroCodec()).compileAvro(type.avroSchema!)
        : type.schemaFormat === 'protobuf' ? (await protobufCodec()).compileProtobuf(type.protobufSchema!)
        : jsonCodec(this.#validator, key, type.schema!);
      this.#remember(this.#compiled, key, codec);
    }
    return codec;
  }

  async #confirm(type: EventType, codec: SchemaCodec): Promise<void> {
    const id = type.schemaId!;
    const found = await this.#registry!.schemaById(id);
    const stale = (why: string) =>
      new HooklineError({
        code: 'HKL_SCHEMA_NOT_IN_REGISTRY',
        status: 409,
        message: `schema ${id} of event type ${type.name} in the schema registry ${why} (was the registry reset?): PUT the event type again to register its schema`,
      });
    if (found.type !== REGISTRY_TYPES[type.schemaFormat!]) throw stale(`is ${found.type}, not ${type.schemaFormat}`);
    let registered: SchemaCodec;
    try {
      registered =
        found.type === 'PROTOBUF' ? (await protobufCodec()).compileProtobuf(found.schema)
        : found.type === 'AVRO' ? (await avroCodec()).compileAvro(JSON.parse(found.schema) as Record<string, unknown>)
        : jsonCodec(this.#validator, `id:${id}`, JSON.parse(found.schema) as Record<string, unknown>);
    } catch (err) {
      if (err instanceof SchemaProblem || err instanceof SyntaxError) throw stale(`cannot be compiled (${err.message})`);
      throw err;
    }
    if (registered.fingerprint !== codec.fingerprint) throw stale('is another schema than the one stored for the type');
  }

  #remember<V>(map: Map<string, V>, key: string, value: V): void {
    if (map.size >= MAX_CACHED && !map.has(key)) map.delete(map.keys().next().value!);
    map.set(key, value);
  }
}
