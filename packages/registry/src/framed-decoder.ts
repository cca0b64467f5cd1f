import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { JSON_LONG } from './avro-long.ts';
import { schemaIdOf } from './framing.ts';
import { jsonSchemaCompiler } from './json-schema-compiler.ts';
import { toJsonValue } from './json-value.ts';
import { protobufObject, protobufSchemaFromText, resolveWithWellKnownTypes, type ProtoType } from './protobuf-json.ts';
import { RegistryError } from './registry-error.ts';

/** A framed value decoded: its schema, and its payload as plain JSON. */
export interface DecodedFrame {
  schemaId: number;
  format: 'avro' | 'json' | 'protobuf';
  /** Avro full name, Protobuf message full name, JSON Schema `title`; undefined when the schema has none. */
  schemaName: string | undefined;
  data: unknown;
}

interface ProtoSchemaLike {
  message: ProtoType;
}
interface AvroTypeLike {
  name?: string;
}
interface JsonSchemaLike {
  validate: { schema?: { title?: unknown } };
}

/** An HTTP answer of the registry as the client reports it (mappersmith's ResponseError). */
const httpStatus = (err: unknown): number | undefined => {
  const e = err as { url?: unknown; status?: unknown } | null;
  return e !== null && typeof e === 'object' && e.url !== undefined && typeof e.status === 'number' ? e.status : undefined;
};

/**
 * Decodes registry-framed values (Confluent wire format: magic byte 0, 4-byte schema id, payload) in Avro, JSON
 * Schema and Protobuf through `@kafkajs/confluent-schema-registry` against a Confluent-compatible REST API. Schemas
 * are cached by id for the life of the process (an id never changes its schema), so a registry outage never affects
 * an id already seen. Failures are {@link RegistryError}s: `unknown_schema` (the registry answers, but not for this
 * id), `undecodable` (the payload does not match its schema, or the schema cannot be used), `unavailable` (retryable:
 * no answer, a timeout, a 5xx).
 *
 * JSON mapping of decoded values: see {@link toJsonValue}; Avro longs through {@link JSON_LONG}; Avro enums are their
 * symbol, unions unwrapped when unambiguous (avsc's `wrapUnions: 'auto'`; otherwise `{"<branch>": value}` as Avro's
 * JSON encoding), logical types as their underlying type (timestamp-millis a number, decimal bytes base64); Protobuf
 * enums by name, bytes base64, every declared field present (proto3 defaults included), the first message of the
 * schema (message index 0).
 */
export class FramedDecoder {
  readonly #registry: SchemaRegistry;
  readonly #url: string;
  readonly #timeoutMs: number;

  constructor(opts: { url: string; timeoutMs?: number }) {
    this.#url = opts.url.replace(/\/+$/, '');
    this.#timeoutMs = opts.timeoutMs ?? 5_000;
    const avroOptions = {
      // avsc keeps named types in `registry`: a fresh one per schema, or two versions of one record would clash.
      get registry() {
        return { long: JSON_LONG };
      },
    };
    this.#registry = new SchemaRegistry(
      // One quick retry inside the client: a record whose schema cannot be fetched waits in the consumer, with backoff.
      {
        host: this.#url,
        clientId: 'hookline',
        retry: { retries: 1, maxRetryTimeInSecs: 1, initialRetryTimeInSecs: 0.1 },
        // A registry that accepts the connection and never answers is an outage too, not a hung consumer.
        middlewares: [() => ({ prepareRequest: (next: () => Promise<{ enhance(e: object): unknown }>) => next().then((req) => req.enhance({ timeout: this.#timeoutMs })) })] as never,
      },
      { [SchemaType.AVRO]: avroOptions, [SchemaType.JSON]: { ajvInstance: jsonSchemaCompiler() } } as never,
    );
  }

  async decode(value: Buffer): Promise<DecodedFrame> {
    const schemaId = schemaIdOf(value);
    if (schemaId === undefined) throw new RegistryError('undecodable', `a registry-framed value needs 5 bytes (magic byte and schema id); it has ${value.length}`);
    // Registries number schemas from 1: anything else is no schema, without asking.
    if (schemaId <= 0) throw new RegistryError('unknown_schema', `schema id ${schemaId} is not a schema registry id`);
    const entry = await this.#schema(schemaId);
    const format = entry.type === SchemaType.PROTOBUF ? 'protobuf' : entry.type === SchemaType.JSON ? 'json' : 'avro';
    let decoded: unknown;
    try {
      decoded = await this.#registry.decode(value);
      if (format === 'protobuf') {
        decoded = protobufObject((entry.schema as unknown as ProtoSchemaLike).message, decoded);
      }
      decoded = toJsonValue(decoded);
    } catch (err) {
      throw new RegistryError('undecodable', `the value does not decode with schema ${schemaId} (${format}): ${(err as Error).message}`.slice(0, 500), err);
    }
    return { schemaId, format, schemaName: schemaNameOf(format, entry.schema), data: decoded };
  }

  async #schema(id: number): Promise<{ type: SchemaType; schema: unknown }> {
    const hit = this.#registry.cache.getSchema(id);
    if (hit) return hit;
    try {
      await this.#registry.getSchema(id);
    } catch (err) {
      const status = httpStatus(err);
      // A 404 from a registry that answers otherwise: the id is unknown. Any other answer (a 404 from a wrong URL, a
      // 5xx, an auth failure) or none (the client reports refused and reset connections and timeouts as a 400) is
      // the registry's, never the record's: the record waits for it.
      if (status === 404 && (await this.#answers())) throw new RegistryError('unknown_schema', `schema id ${id} is not in the schema registry`, err);
      if (status !== undefined || isNetworkError(err)) {
        throw new RegistryError('unavailable', `the schema registry did not answer for schema id ${id}: ${(err as Error).message}`.slice(0, 500), err);
      }
      if (await this.#protobufFallback(id)) return this.#registry.cache.getSchema(id)!;
      throw new RegistryError('undecodable', `schema id ${id} cannot be used: ${(err as Error).message}`.slice(0, 500), err);
    }
    const entry = this.#registry.cache.getSchema(id)!;
    if (entry.type === SchemaType.PROTOBUF) {
      try {
        resolveWithWellKnownTypes((entry.schema as unknown as ProtoSchemaLike).message as never);
      } catch (err) {
        throw new RegistryError('undecodable', `schema id ${id} cannot be used: ${(err as Error).message}`.slice(0, 500), err);
      }
    }
    return entry;
  }

  /**
   * A Protobuf schema the library could not build, built by {@link protobufSchemaFromText} and put in the library's
   * cache; false when the schema is not Protobuf (or cannot be fetched: its error stands).
   */
  async #protobufFallback(id: number): Promise<boolean> {
    let found: { schemaType?: string; schema?: string };
    try {
      const res = await fetch(`${this.#url}/schemas/ids/${id}`, { signal: AbortSignal.timeout(this.#timeoutMs) });
      if (!res.ok) {
        await res.body?.cancel();
        return false;
      }
      found = (await res.json()) as typeof found;
    } catch {
      return false;
    }
    if (found.schemaType !== 'PROTOBUF' || typeof found.schema !== 'string') return false;
    let schema: ReturnType<typeof protobufSchemaFromText>;
    try {
      schema = protobufSchemaFromText(found.schema);
    } catch (err) {
      throw new RegistryError('undecodable', `schema id ${id} cannot be used: ${(err as Error).message}`.slice(0, 500), err);
    }
    this.#registry.cache.setSchema(id, SchemaType.PROTOBUF, schema as never);
    return true;
  }

  /** Whether the registry answers its subjects list: tells an unknown id from a wrong URL. */
  async #answers(): Promise<boolean> {
    try {
      const res = await fetch(`${this.#url}/subjects`, { signal: AbortSignal.timeout(this.#timeoutMs) });
      await res.body?.cancel();
      return res.ok;
    } catch {
      return false;
    }
  }
}

const isNetworkError = (err: unknown): boolean =>
  err instanceof Error && /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|socket|timeout|network/i.test(`${err.message} ${String((err as { code?: unknown }).code ?? '')}`);

function schemaNameOf(format: DecodedFrame['format'], schema: unknown): string | undefined {
  if (format === 'avro') return (schema as AvroTypeLike).name ?? undefined;
  if (format === 'protobuf') return (schema as ProtoSchemaLike).message.fullName.replace(/^\./, '');
  const title = (schema as JsonSchemaLike).validate.schema?.title;
  return typeof title === 'string' ? title : undefined;
}
