// The cache of Hookline's TypeScript with the types stripped ahead of time (issue 19: memory). Node strips types
// with a WebAssembly build of SWC that it loads into the process on the first .ts file and keeps for the life of
// the process, ~20 MiB of resident memory per service; a service whose sources all come from this cache never loads
// it. Entries are named by the SHA-256 of the source, so an edited file simply misses and Node strips it itself.
// Plain JavaScript: it must load before (and without) type stripping.
import { createHash } from 'node:crypto';
import { fileURLToPath, URL } from 'node:url';

/** node_modules/.cache/hookline-stripped at the repository root. */
export const cacheDir = fileURLToPath(new URL('../../node_modules/.cache/hookline-stripped/', import.meta.url));

/** The cache file of a TypeScript source (its content). */
export function cacheFileOf(source) {
  return `${cacheDir}${createHash('sha256').update(source).digest('hex')}.js`;
}
