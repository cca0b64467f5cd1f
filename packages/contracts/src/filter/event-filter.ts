import { compileRegex, RegexSyntaxError } from './linear-regex.ts';

/**
 * Endpoint filters: a JSON document over an event, in the style of MongoDB queries, validated when an endpoint is
 * saved and compiled once into a {@link EventMatcher} that fan-out runs for every event (pure, no I/O). The syntax
 * is in docs/filters.md.
 *
 * What a filter sees of an event: `type`, `data`, `metadata` (the event's string metadata), `headers` (forwarded
 * headers, inbound sources), `id` and `createdAt` ({@link FILTER_FIELDS}). A path's first segment must be one of them, so a typo is refused on save
 * rather than silently matching nothing.
 */

/** The event's fields a filter may name (the first segment of every path). */
export const FILTER_FIELDS = ['type', 'data', 'metadata', 'headers', 'id', 'createdAt'] as const;

/** Limits on a filter: its JSON size, nesting, paths, lists. */
export const FILTER_LIMITS = {
  /** Serialized size (characters of JSON). */
  maxJsonLength: 16_384,
  /** Objects and arrays nested in one another (operators inside `$and` inside `$not`, …). */
  maxDepth: 12,
  /** Conditions in the whole filter (field conditions and operators). */
  maxConditions: 256,
  /** Characters of one path, and segments. */
  maxPathLength: 256,
  maxPathSegments: 16,
  /** Values of one `$in`/`$nin` list, and entries of one `$and`/`$or`. */
  maxListLength: 256,
} as const;

/** The event as a filter sees it. */
export interface FilterableEvent {
  type: string;
  data: Record<string, unknown>;
  metadata?: Record<string, string> | undefined;
  headers?: Record<string, string> | undefined;
  id?: string | undefined;
  createdAt?: string | undefined;
}

/** A compiled filter: whether an event matches. */
export type EventMatcher = (event: FilterableEvent) => boolean;

/** The first problem of a filter: `path` names where (`data.amount.$gt`, `$or.1.type`; empty: the whole filter). */
export interface FilterProblem {
  path: string;
  message: string;
}

export type FilterCompiled = { ok: true; match: EventMatcher } | { ok: false; problem: FilterProblem };

type Cond = (doc: unknown) => boolean;
/** A condition on the values found at a path (several when the path crosses arrays). */
type ValueCond = (values: unknown[]) => boolean;

class Invalid extends Error {
  readonly path: string;
  constructor(path: string[], message: string) {
    super(message);
    this.path = path.join('.');
  }
}

const COMPARISONS = ['$gt', '$gte', '$lt', '$lte'] as const;
const FIELD_OPERATORS = new Set(['$eq', '$ne', '$in', '$nin', '$exists', ...COMPARISONS, '$regex', '$options', '$not']);

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isScalar = (v: unknown) => v === null || ['string', 'number', 'boolean'].includes(typeof v);

/**
 * Validates and compiles a filter. The answer names the first problem by its path inside the filter, or carries the
 * matcher. Never throws.
 */
export function compileFilter(filter: unknown): FilterCompiled {
  let json: string | undefined;
  try {
    json = JSON.stringify(filter);
  } catch {
    json = undefined;
  }
  if (json === undefined) return { ok: false, problem: { path: '', message: 'must be a JSON object' } };
  if (json.length > FILTER_LIMITS.maxJsonLength) {
    return { ok: false, problem: { path: '', message: `is longer than ${FILTER_LIMITS.maxJsonLength} characters of JSON` } };
  }
  const budget = { conditions: 0 };
  try {
    const cond = compileDocument(filter, [], 1, budget);
    return { ok: true, match: (event) => cond(event) };
  } catch (err) {
    if (err instanceof Invalid) return { ok: false, problem: { path: err.path, message: err.message } };
    throw err;
  }
}

/** Only the first problem, or null when the filter is valid. */
export function filterProblem(filter: unknown): FilterProblem | null {
  const compiled = compileFilter(filter);
  return compiled.ok ? null : compiled.problem;
}

function spend(budget: { conditions: number }, at: string[]): void {
  if (++budget.conditions > FILTER_LIMITS.maxConditions) throw new Invalid(at, `the filter has more than ${FILTER_LIMITS.maxConditions} conditions`);
}

function deeper(depth: number, at: string[]): number {
  if (depth > FILTER_LIMITS.maxDepth) throw new Invalid(at, `is nested deeper than ${FILTER_LIMITS.maxDepth} levels`);
  return depth + 1;
}

/** `{path: condition, $and: [...], $or: [...], $not: {...}}`: every entry must hold. */
function compileDocument(doc: unknown, at: string[], depth: number, budget: { conditions: number }): Cond {
  if (!isPlainObject(doc)) throw new Invalid(at, 'must be an object of conditions');
  const next = deeper(depth, at);
  const conds: Cond[] = [];
  for (const [key, value] of Object.entries(doc)) {
    const here = [...at, key];
    spend(budget, here);
    if (key === '$and' || key === '$or') {
      if (!Array.isArray(value) || value.length === 0) throw new Invalid(here, 'must be a non-empty array of filters');
      if (value.length > FILTER_LIMITS.maxListLength) throw new Invalid(here, `has more than ${FILTER_LIMITS.maxListLength} entries`);
      const parts = value.map((v, i) => compileDocument(v, [...here, String(i)], next, budget));
      conds.push(key === '$and' ? (d) => parts.every((p) => p(d)) : (d) => parts.some((p) => p(d)));
    } else if (key === '$not') {
      const inner = compileDocument(value, here, next, budget);
      conds.push((d) => !inner(d));
    } else if (key.startsWith('$')) {
      throw new Invalid(here, 'is not a top-level operator (use $and, $or, $not, or a path such as data.amount)');
    } else {
      const segments = checkPath(key, here);
      const test = compileValueCondition(value, here, next, budget);
      conds.push((d) => test(resolve(d, segments)));
    }
  }
  return (d) => conds.every((c) => c(d));
}

function checkPath(key: string, at: string[]): string[] {
  if (key.length > FILTER_LIMITS.maxPathLength) throw new Invalid(at, `the path is longer than ${FILTER_LIMITS.maxPathLength} characters`);
  const segments = key.split('.');
  if (segments.length > FILTER_LIMITS.maxPathSegments) throw new Invalid(at, `the path has more than ${FILTER_LIMITS.maxPathSegments} segments`);
  if (segments.some((s) => s === '')) throw new Invalid(at, 'the path has an empty segment');
  if (!(FILTER_FIELDS as readonly string[]).includes(segments[0]!)) {
    throw new Invalid(at, `unknown field "${segments[0]}": paths start with one of ${FILTER_FIELDS.join(', ')}`);
  }
  return segments;
}

/**
 * The condition on a path: an operator object (`{$gt: 1, $lt: 5}`, every operator must hold) or a value to equal
 * (an object without operators is a value too).
 */
function compileValueCondition(value: unknown, at: string[], depth: number, budget: { conditions: number }): ValueCond {
  const keys = isPlainObject(value) ? Object.keys(value) : [];
  const operators = keys.filter((k) => k.startsWith('$'));
  if (operators.length === 0) return equals(checkValue(value, at, depth));
  if (operators.length !== keys.length) {
    const plain = keys.find((k) => !k.startsWith('$'))!;
    throw new Invalid([...at, plain], 'cannot mix operators and fields in one object (to compare with an object, use $eq)');
  }
  const next = deeper(depth, at);
  const ops = value as Record<string, unknown>;
  const conds: ValueCond[] = [];
  for (const [op, operand] of Object.entries(ops)) {
    const here = [...at, op];
    if (!FIELD_OPERATORS.has(op)) throw new Invalid(here, `unknown operator (operators: ${[...FIELD_OPERATORS].join(', ')})`);
    spend(budget, here);
    switch (op) {
      case '$eq':
        conds.push(equals(checkValue(operand, here, next)));
        break;
      case '$ne': {
        const eq = equals(checkValue(operand, here, next));
        conds.push((vs) => !eq(vs));
        break;
      }
      case '$in': case '$nin': {
        if (!Array.isArray(operand)) throw new Invalid(here, 'must be an array of values');
        if (operand.length > FILTER_LIMITS.maxListLength) throw new Invalid(here, `has more than ${FILTER_LIMITS.maxListLength} values`);
        const eqs = operand.map((v, i) => equals(checkValue(v, [...here, String(i)], next)));
        const any: ValueCond = (vs) => eqs.some((eq) => eq(vs));
        conds.push(op === '$in' ? any : (vs) => !any(vs));
        break;
      }
      case '$exists': {
        if (typeof operand !== 'boolean') throw new Invalid(here, 'must be true or false');
        conds.push((vs) => vs.some((v) => v !== undefined) === operand);
        break;
      }
      case '$gt': case '$gte': case '$lt': case '$lte': {
        if (!(typeof operand === 'string' || (typeof operand === 'number' && Number.isFinite(operand)))) {
          throw new Invalid(here, 'must be a number or a string');
        }
        const holds = comparison(op, operand);
        conds.push((vs) => anyElement(vs, holds));
        break;
      }
      case '$regex': {
        if (typeof operand !== 'string') throw new Invalid(here, 'must be a string (a pattern)');
        const flags = ops.$options;
        if (flags !== undefined && typeof flags !== 'string') throw new Invalid([...at, '$options'], 'must be a string ("i" or "")');
        let re;
        try {
          re = compileRegex(operand, flags ?? '');
        } catch (err) {
          if (err instanceof RegexSyntaxError) throw new Invalid(err.message.startsWith('the only option') ? [...at, '$options'] : here, err.message);
          throw err;
        }
        conds.push((vs) => anyElement(vs, (v) => typeof v === 'string' && re.test(v)));
        break;
      }
      case '$options':
        if (!('$regex' in ops)) throw new Invalid(here, 'goes with $regex');
        break;
      case '$not': {
        if (!isPlainObject(operand) || Object.keys(operand).length === 0 || !Object.keys(operand).every((k) => k.startsWith('$'))) {
          throw new Invalid(here, 'must be an object of operators, e.g. {"$gt": 100}');
        }
        const inner = compileValueCondition(operand, here, next, budget);
        conds.push((vs) => !inner(vs));
        break;
      }
    }
  }
  return (vs) => conds.every((c) => c(vs));
}

/** A value to compare with: JSON, within the depth limit. */
function checkValue(value: unknown, at: string[], depth: number): unknown {
  if (isScalar(value)) {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new Invalid(at, 'must be a finite number');
    return value;
  }
  if (Array.isArray(value)) {
    const next = deeper(depth, at);
    value.forEach((v, i) => checkValue(v, [...at, String(i)], next));
    return value;
  }
  if (isPlainObject(value)) {
    const next = deeper(depth, at);
    for (const [k, v] of Object.entries(value)) checkValue(v, [...at, k], next);
    return value;
  }
  throw new Invalid(at, 'must be a JSON value');
}

/**
 * Equality at a path: a value found equals the operand, or (for an array found) one of its elements does — so
 * `{"data.tags": "vip"}` matches `tags: ["new", "vip"]`, and `{"data.tags": ["new", "vip"]}` the whole array.
 * `null` also matches a missing field, as in MongoDB.
 */
function equals(operand: unknown): ValueCond {
  if (operand === null) return (vs) => vs.length === 0 || vs.some((v) => v === undefined || v === null || (Array.isArray(v) && v.includes(null)));
  return (vs) => vs.some((v) => deepEqual(v, operand) || (Array.isArray(v) && v.some((e) => deepEqual(e, operand))));
}

/** The predicate holds for a value found, or for an element of an array found. */
function anyElement(vs: unknown[], holds: (v: unknown) => boolean): boolean {
  return vs.some((v) => (Array.isArray(v) ? v.some(holds) : holds(v)));
}

/** Numbers compare with numbers, strings with strings (so ISO timestamps order by time); other types never match. */
function comparison(op: (typeof COMPARISONS)[number], operand: string | number): (v: unknown) => boolean {
  const sameType = (v: unknown): v is string | number => typeof v === typeof operand;
  switch (op) {
    case '$gt':
      return (v) => sameType(v) && v > operand;
    case '$gte':
      return (v) => sameType(v) && v >= operand;
    case '$lt':
      return (v) => sameType(v) && v < operand;
    case '$lte':
      return (v) => sameType(v) && v <= operand;
  }
}

/** JSON equality; objects compare by their keys and values, in any order. */
function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

/**
 * The values at a dotted path. Crossing an array goes into each element (`data.items.sku` finds every item's sku),
 * unless the segment is an index (`data.items.0.sku`). A missing path finds nothing.
 */
function resolve(doc: unknown, segments: readonly string[]): unknown[] {
  let current: unknown[] = [doc];
  for (const seg of segments) {
    const next: unknown[] = [];
    for (const v of current) step(v, seg, next, true);
    if (next.length === 0) return next;
    current = next;
  }
  return current;
}

function step(v: unknown, seg: string, out: unknown[], intoArrays: boolean): void {
  if (Array.isArray(v)) {
    if (/^(0|[1-9]\d{0,8})$/.test(seg)) {
      const i = Number(seg);
      if (i < v.length) out.push(v[i]);
    }
    // One level only, as MongoDB: an array of arrays is not searched further.
    if (intoArrays) for (const e of v) if (isPlainObject(e)) step(e, seg, out, false);
    return;
  }
  if (isPlainObject(v) && Object.hasOwn(v, seg) && v[seg] !== undefined) out.push(v[seg]);
}
