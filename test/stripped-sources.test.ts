import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SERVICE_NODE_ARGS } from '../infra/node/service-node-args.js';
import { buildStrippedCache } from '../infra/node/strip-types.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Runs an ES module snippet with the services' Node flags; prints what it prints. */
const run = (code: string) =>
  execFileSync(process.execPath, [...SERVICE_NODE_ARGS, '--input-type=module', '-e', code], { cwd: root, encoding: 'utf8' }).trim();
const amaroLoaded = "process.moduleLoadList.some((m) => m.includes('amaro'))";

/**
 * The services run their TypeScript stripped ahead of time (issue 19: Node's type-stripping WebAssembly costs each
 * process ~20 MiB it keeps): with the cache built, a service's sources load without it; a source missing from the
 * cache (edited since) is still stripped by Node, so nothing ever runs stale code.
 */
describe('stripped sources', () => {
  it('loads cached sources without loading the type stripper, and strips a source missing from the cache', () => {
    buildStrippedCache();
    const again = buildStrippedCache();
    expect(again.stripped).toBe(0);
    expect(again.sources).toBeGreaterThan(100);

    expect(run(`const { backoffMs } = await import('./packages/contracts/src/backoff.ts'); console.log(backoffMs(3, { baseMs: 100, maxMs: 10_000 }) > 0, ${amaroLoaded});`)).toBe('true false');
    // A whole service's module graph (the dispatcher's app and everything it imports) comes from the cache.
    expect(run(`await import('./services/dispatcher/src/app.ts'); console.log(typeof (await import('./services/dispatcher/src/app.ts')).createApp, ${amaroLoaded});`)).toBe('function false');
    // Test sources are not in the cache: Node strips them as usual.
    expect(run(`await import('./test/support/pipeline.ts'); console.log(${amaroLoaded});`)).toBe('true');
  });
});
