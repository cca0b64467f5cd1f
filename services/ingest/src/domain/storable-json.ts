import { MAX_JSON_DEPTH } from '@hookline/contracts';

export { MAX_JSON_DEPTH };

/** A problem with a request body as a whole that no schema can express. */
export interface JsonProblem {
  path: string;
  message: string;
}

interface Node {
  value: unknown;
  key: string;
  depth: number;
  parent: Node | undefined;
}

const pathOf = (node: Node): string => {
  const keys: string[] = [];
  for (let n: Node | undefined = node; n?.parent; n = n.parent) keys.push(n.key.replaceAll('\u0000', '\\u0000'));
  return keys.reverse().join('.') || '(body)';
};

/**
 * Finds what a parsed JSON body holds that Hookline could not store or process: a string or key with U+0000
 * (PostgreSQL stores it neither as text nor as jsonb) or nesting deeper than {@link MAX_JSON_DEPTH} (the limit records
 * on Kafka have too). Walks without recursion, so hostile nesting cannot exhaust the stack, and builds a path only for
 * the problem it returns (`data.a.0`).
 */
export function findUnstorable(body: unknown): JsonProblem | undefined {
  const stack: Node[] = [{ value: body, key: '', depth: 0, parent: undefined }];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const { value } = node;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return { path: pathOf(node), message: 'must not contain U+0000 (\\u0000): it cannot be stored' };
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (node.depth >= MAX_JSON_DEPTH) return { path: pathOf(node), message: `nests deeper than ${MAX_JSON_DEPTH} levels` };
    const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i]!;
      const childNode = { value: child, key, depth: node.depth + 1, parent: node };
      if (key.includes('\u0000')) return { path: pathOf(childNode), message: 'a key must not contain U+0000 (\\u0000)' };
      stack.push(childNode);
    }
  }
  return undefined;
}
