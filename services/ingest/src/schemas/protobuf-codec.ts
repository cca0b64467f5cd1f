import protobuf from 'protobufjs';
import { canonicalJson, dataPath, isObject, SchemaProblem, type SchemaCodec, type Violation } from './schema-codec.ts';

type Segments = ReadonlyArray<string | number>;

const INT_RANGES: Record<string, [bigint, bigint]> = {
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  sint32: [-(2n ** 31n), 2n ** 31n - 1n],
  sfixed32: [-(2n ** 31n), 2n ** 31n - 1n],
  uint32: [0n, 2n ** 32n - 1n],
  fixed32: [0n, 2n ** 32n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  sint64: [-(2n ** 63n), 2n ** 63n - 1n],
  sfixed64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
  fixed64: [0n, 2n ** 64n - 1n],
};
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/;

/** Why a scalar value does not fit its protobuf type (proto3 JSON mapping), or null. */
function scalarProblem(type: string, v: unknown): string | null {
  const range = INT_RANGES[type];
  if (range) {
    const is64 = type.endsWith('64');
    let n: bigint | undefined;
    if (typeof v === 'number' && Number.isSafeInteger(v)) n = BigInt(v);
    else if (typeof v === 'string' && /^-?\d{1,20}$/.test(v)) n = BigInt(v);
    const what = `must be a ${type} (an integer from ${range[0]} to ${range[1]}${is64 ? ', a number or a decimal string' : ''})`;
    if (n === undefined || n < range[0] || n > range[1]) return what;
    return null;
  }
  switch (type) {
    case 'double':
    case 'float':
      return typeof v === 'number' || v === 'NaN' || v === 'Infinity' || v === '-Infinity' ? null : `must be a number (${type})`;
    case 'bool':
      return typeof v === 'boolean' ? null : 'must be a boolean';
    case 'string':
      return typeof v === 'string' ? null : 'must be a string';
    case 'bytes':
      return typeof v === 'string' && BASE64.test(v) ? null : 'must be bytes as a base64 string';
    default:
      return `has type ${type}, which Hookline cannot check`;
  }
}

function checkValue(field: protobuf.Field, v: unknown, path: Segments, out: Violation[]): void {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) return checkMessage(resolved, v, path, out);
  if (resolved instanceof protobuf.Enum) {
    const names = Object.keys(resolved.values);
    const numbers = Object.values(resolved.values);
    if (typeof v === 'string' ? names.includes(v) : typeof v === 'number' && numbers.includes(v)) return;
    return void out.push({ path: dataPath(path), message: `must be one of ${names.map((n) => `"${n}"`).join(', ')} (enum ${resolved.name})` });
  }
  const problem = scalarProblem(field.type, v);
  if (problem) out.push({ path: dataPath(path), message: problem });
}

/**
 * Every violation of a JSON object against a message type, with paths: unknown fields (they would be dropped by
 * the encoding), wrong scalar types and ranges, unknown enum names, two members of one oneof, missing proto2
 * `required` fields. Field names are protobuf's JSON names (lowerCamelCase); null stands for "not set".
 */
function checkMessage(type: protobuf.Type, value: unknown, path: Segments, out: Violation[]): void {
  if (!isObject(value)) return void out.push({ path: dataPath(path), message: `must be an object (message ${type.name})` });
  for (const key of Object.keys(value)) {
    if (!type.fields[key]) out.push({ path: dataPath(path), message: `must not have property "${key}" (not a field of ${type.name})` });
  }
  for (const field of type.fieldsArray) {
    const v = value[field.name];
    const at = [...path, field.name];
    if (v === undefined || v === null) {
      if (field.required) out.push({ path: dataPath(path), message: `must have property "${field.name}"` });
      continue;
    }
    if (field.map) {
      if (!isObject(v)) {
        out.push({ path: dataPath(at), message: 'must be an object (map)' });
        continue;
      }
      const keyType = (field as unknown as protobuf.MapField).keyType;
      for (const [k, item] of Object.entries(v)) {
        const keyProblem = keyType === 'string' ? null : keyType === 'bool' ? (k === 'true' || k === 'false' ? null : 'must be "true" or "false"') : scalarProblem(keyType, k);
        if (keyProblem) out.push({ path: dataPath(at), message: `key "${k}" ${keyProblem}` });
        checkValue(field, item, [...at, k], out);
      }
    } else if (field.repeated) {
      if (!Array.isArray(v)) out.push({ path: dataPath(at), message: 'must be an array' });
      else v.forEach((item, i) => checkValue(field, item, [...at, i], out));
    } else {
      checkValue(field, v, at, out);
    }
  }
  for (const oneof of type.oneofsArray) {
    const set = oneof.oneof.filter((name) => value[name] !== undefined && value[name] !== null);
    if (set.length > 1) out.push({ path: dataPath(path), message: `must set at most one of ${set.map((n) => `"${n}"`).join(', ')} (oneof ${oneof.name})` });
  }
}

/**
 * The meaning of a message type: its fields (JSON name, number, rule, fully qualified resolved type), oneofs and
 * the types it reaches, so a registry's re-rendering of the same .proto (Confluent qualifies names, reorders
 * declarations) compares equal.
 */
function describeMessage(message: protobuf.Type): string {
  const seen = new Map<string, unknown>();
  const visit = (t: protobuf.Type | protobuf.Enum): void => {
    if (seen.has(t.fullName)) return;
    if (t instanceof protobuf.Enum) return void seen.set(t.fullName, { enum: t.values });
    seen.set(t.fullName, null);
    const fields = [...t.fieldsArray].sort((a, b) => a.id - b.id).map((f) => {
      if (f.resolvedType) visit(f.resolvedType);
      return { name: f.name, id: f.id, rule: f.repeated ? 'repeated' : f.required ? 'required' : null, map: f.map ? (f as unknown as protobuf.MapField).keyType : null, type: f.resolvedType?.fullName ?? f.type };
    });
    seen.set(t.fullName, { fields, oneofs: t.oneofsArray.map((o) => ({ name: o.name, fields: o.oneof })) });
  };
  visit(message);
  return canonicalJson({ message: message.fullName, types: Object.fromEntries(seen) });
}

/** The message type of a .proto: the first message it declares (Confluent message index [0]). */
function firstMessage(parsed: protobuf.IParserResult): protobuf.Type {
  const scope = parsed.package ? parsed.root.lookup(parsed.package) : parsed.root;
  const first = scope instanceof protobuf.Namespace ? scope.nestedArray.find((n) => n instanceof protobuf.Type) : undefined;
  if (!(first instanceof protobuf.Type)) throw new SchemaProblem('declares no message: the first message of the file is the event type\'s message');
  return first;
}

/**
 * Compiles a .proto text (proto2 or proto3): the event's message is the first message the file declares, as
 * Confluent's message index 0 means. Imports of Google's well-known types (google/protobuf/*.proto) are known;
 * other imports (schema references) are not supported.
 */
export function compileProtobuf(text: string): SchemaCodec {
  let message: protobuf.Type;
  try {
    const parsed = protobuf.parse(text);
    for (const file of [...(parsed.imports ?? []), ...(parsed.weakImports ?? [])]) {
      const common = protobuf.common.get(file);
      if (!common) throw new SchemaProblem(`imports "${file}": only Google's well-known types (google/protobuf/*.proto) may be imported`);
      parsed.root.addJSON(common.nested!);
    }
    parsed.root.resolveAll();
    message = firstMessage(parsed);
  } catch (err) {
    if (err instanceof SchemaProblem) throw new SchemaProblem(`is not a usable Protobuf schema: it ${err.message}`);
    throw new SchemaProblem(`is not a valid Protobuf schema: ${err instanceof Error ? err.message : String(err)}`);
  }
  return {
    format: 'protobuf',
    violations(data) {
      const out: Violation[] = [];
      checkMessage(message, data, [], out);
      return out;
    },
    encode: (data) => Buffer.from(message.encode(message.fromObject(data)).finish()),
    fingerprint: describeMessage(message),
  };
}
