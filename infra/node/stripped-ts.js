// `node --import ./infra/node/stripped-ts.js services/<name>/src/main.ts`: loads Hookline's own .ts files from the
// stripped cache (infra/node/strip-types.js builds it) instead of stripping their types in the process, so the
// service never loads Node's type-stripping WebAssembly (~20 MiB resident). Positions are kept (types become
// spaces), so stack traces name the same lines and columns of the .ts files. A file missing from the cache (edited
// since, or no cache built) is left to Node, which strips it as usual.
import { readFileSync } from 'node:fs';
import { registerHooks } from 'node:module';
import { fileURLToPath, URL } from 'node:url';
import { cacheFileOf } from './stripped-cache.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

registerHooks({
  load(url, context, nextLoad) {
    if (url.startsWith('file:') && url.endsWith('.ts') && !url.includes('/node_modules/')) {
      const path = fileURLToPath(url);
      if (path.startsWith(root)) {
        try {
          return { format: 'module', source: readFileSync(cacheFileOf(readFileSync(path)), 'utf8'), shortCircuit: true };
        } catch {
          // Not in the cache: Node strips it.
        }
      }
    }
    return nextLoad(url, context);
  },
});
