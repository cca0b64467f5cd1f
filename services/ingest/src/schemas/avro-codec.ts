import avro from 'avsc';
import { canonicalJson, dataPath, isObject, SchemaProblem, type SchemaCodec, type Violation } from './schema-codec.ts';

type Segments = ReadonlyArray<string | number>;

/** What a value of a primitive Avro type must be, in words. */
const PRIMITIVE_EXPECTED: Record<string, string> = {
  null: 'must be null',
  boolean: 'must be a boolean',
  int: 'must be an int (a 32-bit integer)',
  long: 'must be a long (an integer of at most 2^53 in magnitude)',
  float: 'must be a number (float)',
  double: 'must be a number (double)',
  string: 'must be a string',
  bytes: 'must be bytes (Avro bytes cannot be given in JSON data)',
};

const describe = (t: avro.Type): string => t.typeName.startsWith('logical:') ? describe((t as avro.types.LogicalType).underlyingType) : t.typeName;

/**
 * Every violation of `value` against an Avro type, with paths: missing fields without a default, fields the
 * record does not declare (they would be silently dropped by the encoding), wrong types, unknown enum symbols.
 * avsc's own `isValid` stops at the first record with an undeclared field, so the walk is ours.
 */
function walk(type: avro.Type, value: unknown, path: Segments, out: Violation[]): void {
  const name = type.typeName;
  if (name.startsWith('logical:')) return walk((type as avro.types.LogicalType).underlyingType, value, path, out);
  switch (name) {
    case 'record':
    case 'error': {
      const record = type as avro.types.RecordType;
      if (!isObject(value)) return void out.push({ path: dataPath(path), message: `must be an object (record ${record.name ?? ''})`.replace(' ()', '') });
      const declared = new Set(record.fields.map((f) => f.name));
      for (const key of Object.keys(value)) {
        if (!declared.has(key)) out.push({ path: dataPath(path), message: `must not have property "${key}" (not a field of ${record.name ?? 'the record'})` });
      }
      for (const field of record.fields) {
        const v = value[field.name];
        if (v === undefined) {
          if (field.defaultValue() === undefined) out.push({ path: dataPath(path), message: `must have property "${field.name}"` });
          continue;
        }
        walk(field.type, v, [...path, field.name], out);
      }
      return;
    }
    case 'array': {
      if (!Array.isArray(value)) return void out.push({ path: dataPath(path), message: 'must be an array' });
      const items = (type as avro.types.ArrayType).itemsType;
      value.forEach((item, i) => walk(items, item, [...path, i], out));
      return;
    }
    case 'map': {
      if (!isObject(value)) return void out.push({ path: dataPath(path), message: 'must be an object (map)' });
      const values = (type as avro.types.MapType).valuesType as avro.Type;
      for (const [k, v] of Object.entries(value)) walk(values, v, [...path, k], out);
      return;
    }
    case 'enum': {
      const symbols = (type as avro.types.EnumType).symbols;
      if (typeof value !== 'string' || !symbols.includes(value)) out.push({ path: dataPath(path), message: `must be one of ${symbols.map((s) => `"${s}"`).join(', ')}` });
      return;
    }
    case 'union:unwrapped': {
      const branches = (type as avro.types.UnwrappedUnionType).types;
      if (branches.some((b) => b.isValid(value))) return;
      // One non-null branch and a non-null value: the problems are inside that branch.
      const nonNull = branches.filter((b) => b.typeName !== 'null');
      if (nonNull.length === 1 && value !== null) return walk(nonNull[0]!, value, path, out);
      return void out.push({ path: dataPath(path), message: `must be one of the union's types: ${branches.map(describe).join(', ')}` });
    }
    case 'union:wrapped': {
      if (!type.isValid(value)) {
        const branches = (type as avro.types.WrappedUnionType).types;
        out.push({ path: dataPath(path), message: `must be null or an object with one key naming its branch (${branches.map((b) => b.branchName ?? describe(b)).join(', ')})` });
      }
      return;
    }
    case 'fixed':
      if (!type.isValid(value)) out.push({ path: dataPath(path), message: 'must be fixed bytes (Avro fixed cannot be given in JSON data)' });
      return;
    default:
      if (!type.isValid(value)) out.push({ path: dataPath(path), message: PRIMITIVE_EXPECTED[name] ?? `must be ${name}` });
  }
}

/** The Avro schema document of a PUT: an object, or its JSON text. */
export function parseAvroDocument(input: unknown): Record<string, unknown> {
  let doc = input;
  if (typeof input === 'string') {
    try {
      doc = JSON.parse(input);
    } catch {
      // A bare type name ("string") is an Avro schema too; it is refused below for not being a record.
    }
  }
  if (!isObject(doc) || (doc.type !== 'record' && doc.type !== 'error')) {
    throw new SchemaProblem('must be an Avro record schema ({"type": "record", "name", "fields"}): event data is an object');
  }
  return doc;
}

/** Compiles an Avro record schema; a {@link SchemaProblem} says why it is not one. */
export function compileAvro(doc: Record<string, unknown>): SchemaCodec {
  let type: avro.Type;
  try {
    type = avro.Type.forSchema(doc as avro.Schema);
  } catch (err) {
    throw new SchemaProblem(`is not a valid Avro schema: ${(err as Error).message}`);
  }
  if (type.typeName !== 'record' && type.typeName !== 'error') throw new SchemaProblem('must be an Avro record schema: event data is an object');
  return {
    format: 'avro',
    violations(data) {
      const out: Violation[] = [];
      walk(type, data, [], out);
      return out;
    },
    encode: (data) => type.toBuffer(data),
    fingerprint: canonicalJson(type.schema({ exportAttrs: true })),
  };
}
