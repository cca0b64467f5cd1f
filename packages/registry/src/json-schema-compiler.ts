import { Ajv, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';

/**
 * What @kafkajs/confluent-schema-registry asks of an Ajv instance for JSON Schema values: draft-07 by default,
 * 2020-12 when the schema names it. `$id` is dropped before compiling, so two versions of one schema (same `$id`)
 * both compile. Formats are not checked: the producer's serializer validated the value; here it is only read.
 */
export function jsonSchemaCompiler(): { addSchema: (schema: object, key?: string) => void; compile: (schema: Record<string, unknown>) => ValidateFunction } {
  const opts = { allErrors: true, strict: false, validateFormats: false } as const;
  const ajv07 = new Ajv(opts);
  const ajv2020 = new Ajv2020(opts);
  return {
    addSchema: (schema, key) => {
      ajv07.addSchema(schema, key);
    },
    compile: (schema) => {
      const dialect = typeof schema.$schema === 'string' ? schema.$schema : '';
      const { $id: _id, ...anonymous } = schema;
      return (/draft\/2019-09|draft\/2020-12/.test(dialect) ? ajv2020 : ajv07).compile(anonymous);
    },
  };
}
