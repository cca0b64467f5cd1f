import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS; its default export arrives wrapped under ESM interop.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

/**
 * The JSON Schema dialect used when a schema does not name one: draft-07, the newest that Schema Registries'
 * compatibility checkers understand.
 */
export const DEFAULT_DIALECT = 'http://json-schema.org/draft-07/schema#';

const describe = (e: ErrorObject) => ({
  path: `data${e.instancePath.replace(/\//g, '.')}`,
  message: e.keyword === 'additionalProperties'
    ? `must not have property "${String(e.params.additionalProperty)}"`
    : e.keyword === 'required'
      ? `must have property "${String(e.params.missingProperty)}"`
      : (e.message ?? 'is invalid'),
});

/**
 * Validates event `data` against an event type's JSON Schema (draft-07 by default, 2020-12 when the schema
 * says so), reporting every violation. Compiled validators are cached per schema version.
 */
export class SchemaValidator {
  readonly #ajv2020 = addFormats(new Ajv2020({ allErrors: true, strict: false }) as unknown as Ajv);
  readonly #ajv07 = addFormats(new Ajv({ allErrors: true, strict: false }));
  readonly #cache = new Map<string, ValidateFunction>();

  /** Null when the schema compiles, else why not. */
  schemaProblem(schema: Record<string, unknown>): string | null {
    try {
      this.#compile(schema);
      return null;
    } catch (err) {
      return (err as Error).message;
    }
  }

  /** Every violation of `data` against the schema (empty when valid). `cacheKey` identifies the schema version. */
  violations(cacheKey: string, schema: Record<string, unknown>, data: unknown): Array<{ path: string; message: string }> {
    let validate = this.#cache.get(cacheKey);
    if (!validate) {
      validate = this.#compile(schema);
      if (this.#cache.size >= 5_000) this.#cache.delete(this.#cache.keys().next().value!);
      this.#cache.set(cacheKey, validate);
    }
    return validate(data) ? [] : (validate.errors ?? []).map(describe);
  }

  /** Compiles a schema with the validator of its dialect (also lent to the registry client). */
  compile(schema: Record<string, unknown>): ValidateFunction {
    return this.#compile(schema);
  }

  #compile(schema: Record<string, unknown>): ValidateFunction {
    const dialect = typeof schema.$schema === 'string' ? schema.$schema : DEFAULT_DIALECT;
    const ajv = /draft-0[67]/.test(dialect) ? this.#ajv07 : this.#ajv2020;
    const { $id: _id, ...anonymous } = schema;
    return ajv.compile(anonymous);
  }
}
