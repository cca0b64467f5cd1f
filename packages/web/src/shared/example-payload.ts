type Schema = Record<string, unknown> | boolean;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const stringFor = (format: unknown, name: string): string => {
  switch (format) {
    case 'date-time': return '2026-01-01T12:00:00Z';
    case 'date': return '2026-01-01';
    case 'time': return '12:00:00Z';
    case 'email': case 'idn-email': return 'jane@example.com';
    case 'uri': case 'url': case 'iri': return 'https://example.com/';
    case 'uuid': return '3fa85f64-5717-4562-b3fc-2c963f66afa6';
    case 'ipv4': return '192.0.2.1';
    case 'ipv6': return '2001:db8::1';
    case 'hostname': return 'example.com';
    default: return name ? `${name}_example` : 'string';
  }
};

/** Follows a local `$ref` (`#/definitions/x`, `#/$defs/x`) inside `root`; anything else is unknown. */
const resolveRef = (root: Schema, ref: string): Schema | undefined => {
  if (!ref.startsWith('#')) return undefined;
  let node: unknown = root;
  for (const raw of ref.slice(1).split('/').filter(Boolean)) {
    const part = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (!isObject(node)) return undefined;
    node = node[part];
  }
  return isObject(node) || typeof node === 'boolean' ? node : undefined;
};

/**
 * An example value for a JSON Schema: the schema's own `examples`/`example`/`default`/`const`/first `enum` when
 * it has one, else a value built from `type`, `properties` (every property, required or not), `items`, formats
 * and bounds; `allOf` is merged, `oneOf`/`anyOf` take their first branch, local `$ref`s are followed. Pure and
 * bounded: recursion stops at depth 8 (a recursive schema gives `null` there).
 */
export function examplePayload(schema: unknown, root: unknown = schema, name = '', depth = 0): unknown {
  if (depth > 8 || schema === true || schema === undefined || schema === null) return depth > 8 ? null : {};
  if (!isObject(schema)) return null;
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0];
  if ('example' in schema) return schema.example;
  if ('const' in schema) return schema.const;
  if ('default' in schema) return schema.default;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  const next = (s: unknown, n = name) => examplePayload(s, root, n, depth + 1);
  if (typeof schema.$ref === 'string') {
    const target = resolveRef(root as Schema, schema.$ref);
    return target === undefined ? {} : next(target);
  }
  if (Array.isArray(schema.allOf) && schema.allOf.length > 0) {
    const parts = schema.allOf.map((s) => next(s));
    if (parts.every(isObject)) return Object.assign({}, ...parts);
    return parts[0];
  }
  for (const key of ['oneOf', 'anyOf'] as const) {
    const branches = schema[key];
    if (Array.isArray(branches) && branches.length > 0) return next(branches[0]);
  }
  let type = schema.type;
  if (Array.isArray(type)) type = type.find((t) => t !== 'null') ?? type[0];
  if (type === undefined) type = isObject(schema.properties) ? 'object' : schema.items !== undefined ? 'array' : undefined;
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      const props = isObject(schema.properties) ? schema.properties : {};
      for (const [key, sub] of Object.entries(props)) out[key] = next(sub, key);
      return out;
    }
    case 'array': {
      const items = Array.isArray(schema.items) ? schema.items : [schema.items ?? {}];
      const min = typeof schema.minItems === 'number' ? Math.min(schema.minItems, 3) : 1;
      return Array.from({ length: Math.max(min, 1) }, (_, i) => next(items[Math.min(i, items.length - 1)]));
    }
    case 'string': {
      const s = stringFor(schema.format, name);
      const min = typeof schema.minLength === 'number' ? schema.minLength : 0;
      const max = typeof schema.maxLength === 'number' ? schema.maxLength : Infinity;
      return s.padEnd(min, 'x').slice(0, max);
    }
    case 'integer':
    case 'number': {
      const min = typeof schema.minimum === 'number' ? schema.minimum : typeof schema.exclusiveMinimum === 'number' ? schema.exclusiveMinimum + 1 : undefined;
      const max = typeof schema.maximum === 'number' ? schema.maximum : undefined;
      const n = min ?? (max !== undefined ? Math.min(max, 42) : 42);
      return type === 'integer' ? Math.ceil(n) : n;
    }
    case 'boolean': return true;
    case 'null': return null;
    default: return {};
  }
}
