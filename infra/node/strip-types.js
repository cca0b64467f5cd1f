// Builds the stripped cache (infra/node/stripped-cache.js) of the services' and packages' TypeScript:
// `node infra/node/strip-types.js` (npm start, the services' start scripts, the bench and the Docker image run it).
// Only new or changed sources are stripped; entries no source names any more are removed. Plain JavaScript.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';
import { stripTypeScriptTypes } from 'node:module';
import { cacheDir, cacheFileOf } from './stripped-cache.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

function* sources(dir) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* sources(path);
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts') && !name.endsWith('.test.ts')) yield path;
  }
}

/** Node 24 marks stripTypeScriptTypes experimental and warns once per process: noise for whoever runs npm start. */
function strip(code) {
  const emit = process.emitWarning;
  process.emitWarning = (warning, ...rest) => (String(warning).includes('stripTypeScriptTypes') ? undefined : emit.call(process, warning, ...rest));
  try {
    return stripTypeScriptTypes(code, { mode: 'strip' });
  } finally {
    process.emitWarning = emit;
  }
}

/** Strips what is new or changed; returns how many sources were stripped and how many there are. */
export function buildStrippedCache() {
  mkdirSync(cacheDir, { recursive: true });
  const present = new Set(readdirSync(cacheDir));
  const wanted = new Set();
  let stripped = 0;
  for (const dir of ['packages', 'services']) {
    for (const path of sources(join(root, dir))) {
      const source = readFileSync(path);
      const file = cacheFileOf(source);
      wanted.add(basename(file));
      if (present.has(basename(file))) continue;
      // A temporary name, then a rename: a service starting meanwhile never reads half a file.
      writeFileSync(`${file}.${process.pid}.tmp`, strip(source.toString('utf8')));
      renameSync(`${file}.${process.pid}.tmp`, file);
      stripped += 1;
    }
  }
  for (const name of present) if (!wanted.has(name) && name.endsWith('.js')) rmSync(join(cacheDir, name), { force: true });
  return { stripped, sources: wanted.size };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const t0 = Date.now();
  const { stripped, sources: n } = buildStrippedCache();
  if (process.argv.includes('--verbose')) process.stdout.write(`stripped ${stripped} of ${n} sources in ${Date.now() - t0} ms (${cacheDir})\n`);
}
