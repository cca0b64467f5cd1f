/** Deepest nesting of objects and arrays a request body may have (deeper JSON is refused, never half-processed). */
export const MAX_JSON_DEPTH = 64;

/** A problem with a request body as a whole that no schema can express. */
export interface JsonProblem {
  path: string;
  message: string;
}

/**
 * Finds what a parsed JSON body holds that Hookline could not store or process: a string or key with U+0000
 * (PostgreSQL stores it neither as text nor as jsonb) or nesting deeper than {@link MAX_JSON_DEPTH}. Walks without
 * recursion, so hostile nesting cannot exhaust the stack. Returns the first problem with its path (`data.a.0`).
 */
export function findUnstorable(body: unknown): JsonProblem | undefined {
  const stack: Array<{ value: unknown; path: string[] }> = [{ value: body, path: [] }];
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    const where = () => path.join('.') || '(body)';
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return { path: where(), message: 'must not contain U+0000 (\\u0000): it cannot be stored' };
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (path.length >= MAX_JSON_DEPTH) return { path: where(), message: `nests deeper than ${MAX_JSON_DEPTH} levels` };
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], path: [...path, String(i)] });
      continue;
    }
    for (const [key, child] of Object.entries(value)) {
      if (key.includes('\u0000')) return { path: [...path, key.replaceAll('\u0000', '\\u0000')].join('.'), message: 'a key must not contain U+0000 (\\u0000)' };
      stack.push({ value: child, path: [...path, key] });
    }
  }
  return undefined;
}
