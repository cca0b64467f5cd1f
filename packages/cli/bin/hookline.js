#!/usr/bin/env node
// The `hookline` bin. Plain JavaScript that any Node can parse, so that an old Node says in one line what it
// needs instead of failing on TypeScript syntax; the CLI itself is TypeScript that Node 24 runs directly (type
// stripping). npm and npx put node_modules/.bin first on PATH, where npm install placed Node 24.
import module from 'node:module';
import process from 'node:process';

const typescript = process.features && process.features.typescript;
if (typescript !== 'strip' && typescript !== 'transform') {
  process.stderr.write(
    `hookline: needs Node 24 (22.18+ works), found Node ${process.version} at ${process.execPath}. ` +
      'Run it as `npx hookline` inside the Hookline workspace (npm install brings Node 24), or install Node 24 LTS.\n',
  );
  process.exit(1);
}

// Caches the stripped and compiled sources (in the OS temp directory): a start in 0.1 s instead of 0.3 s.
module.enableCompileCache?.();
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv.slice(2));
