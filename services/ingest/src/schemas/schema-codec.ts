/** One problem of `data` against a schema: where (`data.items.0.sku`) and what. */
export interface Violation {
  path: string;
  message: string;
}

/**
 * An event type's compiled schema in one of the registry's formats: what is wrong with a `data` object (every
 * violation found, empty when it encodes), and its payload bytes in the format (without the registry frame).
 */
export interface SchemaCodec {
  readonly format: 'json' | 'avro' | 'protobuf';
  violations(data: Record<string, unknown>): Violation[];
  /** The payload of a registry-framed record; call only for data without violations. */
  encode(data: Record<string, unknown>): Buffer;
  /**
   * What the schema means, independent of how its text is written (whitespace, attribute order, how type names
   * are qualified): two schemas with the same fingerprint validate and encode alike.
   */
  readonly fingerprint: string;
}

/** JSON text with object keys sorted at every level (a canonical form for comparing documents). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isObject(value)) {
    return `{${Object.keys(value).sort().filter((k) => value[k] !== undefined).map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Why a schema document is not usable; the HTTP layer names the field it came from. */
export class SchemaProblem extends Error {}

/** `data.a.0.b` from path segments. */
export const dataPath = (segments: ReadonlyArray<string | number>): string => ['data', ...segments].join('.');

/** A plain JSON object (not an array, not null). */
export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
