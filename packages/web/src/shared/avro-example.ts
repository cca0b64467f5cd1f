type Avro = string | Avro[] | { [key: string]: unknown };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * An example of the JSON `data` a webhook carries for an Avro schema: records become objects (every field, its
 * `default` when it has one), unions take their first non-null branch, enums their first symbol, arrays and maps
 * one element; named types are resolved by name. Pure and bounded: depth 8 at most (a recursive type gives `null`).
 */
export function avroExample(schema: unknown): unknown {
  const named = new Map<string, unknown>();
  const walk = (s: unknown, depth: number, namespace?: string): unknown => {
    if (depth > 8) return null;
    if (typeof s === 'string') {
      switch (s) {
        case 'null': return null;
        case 'boolean': return true;
        case 'int': case 'long': return 42;
        case 'float': case 'double': return 4.2;
        case 'bytes': return '';
        case 'string': return 'string';
        default: {
          const ref = named.get(s) ?? (namespace ? named.get(`${namespace}.${s}`) : undefined);
          return ref === undefined ? null : walk(ref, depth + 1, namespace);
        }
      }
    }
    if (Array.isArray(s)) {
      const branch = s.find((b) => b !== 'null') ?? s[0];
      return walk(branch, depth + 1, namespace);
    }
    if (!isObject(s)) return null;
    const ns = typeof s.namespace === 'string' ? s.namespace : namespace;
    if (typeof s.name === 'string' && ['record', 'enum', 'fixed', 'error'].includes(String(s.type))) {
      named.set(s.name, s);
      if (ns) named.set(`${ns}.${s.name}`, s);
    }
    switch (s.type) {
      case 'record':
      case 'error': {
        const out: Record<string, unknown> = {};
        for (const f of Array.isArray(s.fields) ? s.fields : []) {
          if (!isObject(f) || typeof f.name !== 'string') continue;
          out[f.name] = 'default' in f ? f.default : walk(f.type, depth + 1, ns);
        }
        return out;
      }
      case 'enum': return Array.isArray(s.symbols) ? (s.symbols[0] ?? null) : null;
      case 'array': return [walk(s.items, depth + 1, ns)];
      case 'map': return { key: walk(s.values, depth + 1, ns) };
      case 'fixed': return '';
      default: return walk(s.type as Avro, depth + 1, ns);
    }
  };
  return walk(schema, 0);
}
