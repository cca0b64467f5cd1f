import { canonicalJson, type SchemaCodec } from './schema-codec.ts';
import type { SchemaValidator } from './schema-validator.ts';

/** A JSON Schema as a codec: validated as Hookline always did, encoded as JSON text. */
export function jsonCodec(validator: SchemaValidator, cacheKey: string, schema: Record<string, unknown>): SchemaCodec {
  return {
    format: 'json',
    violations: (data) => validator.violations(cacheKey, schema, data),
    encode: (data) => Buffer.from(JSON.stringify(data)),
    fingerprint: canonicalJson(schema),
  };
}
