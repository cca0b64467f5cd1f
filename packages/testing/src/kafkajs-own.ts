import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * kafkajs' own module (`kafkajs/src/…`), loaded afresh, to compare with what the services' kafkajs fixes put in its
 * place. Whatever this process loaded under that path before stays there for everyone else.
 */
export function kafkajsOwn<T>(path: string): T {
  const resolved = require.resolve(path);
  const cached = require.cache[resolved];
  delete require.cache[resolved];
  try {
    return require(resolved) as T;
  } finally {
    if (cached) require.cache[resolved] = cached;
  }
}
