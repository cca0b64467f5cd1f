import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SERVICE_NODE_ARGS } from '../infra/node/service-node-args.js';

const root = fileURLToPath(new URL('..', import.meta.url));

// Objects that live a little while (a sliding window, as a service's in-flight work does) make V8 grow its young
// generation; prints the largest new space seen, in MiB.
const probe = `
import v8 from 'node:v8';
const window = [];
let max = 0;
for (let i = 0; i < 3_000_000; i++) {
  window.push({ i, s: 'item-' + i });
  if (window.length > 200_000) window.splice(0, 100_000);
  if (i % 10_000 === 0) max = Math.max(max, v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size);
}
console.log(max / 1048576);`;

const largestNewSpaceMiB = (args: readonly string[]) =>
  Number(execFileSync(process.execPath, [...args, '--input-type=module', '-e', probe], { cwd: root, encoding: 'utf8' }).trim());

/**
 * The services cap V8's young generation (issue 19): V8's default on this machine grows it to 2 × 64 MiB, more than
 * the old generation's headroom at a service's live size, and V8 then runs a full collection each time it fills
 * (bench/RESULTS.md). The same allocation without the services' flags shows the default the cap is against.
 */
describe('service Node flags', () => {
  it('keep the young generation at 2 × 16 MiB where V8 alone grows it further', () => {
    expect(SERVICE_NODE_ARGS).toContain('--max-semi-space-size=16');
    expect(largestNewSpaceMiB(SERVICE_NODE_ARGS)).toBeLessThanOrEqual(32);
    expect(largestNewSpaceMiB([])).toBeGreaterThan(32);
  });

  it('are the flags the start scripts and the Docker image use', () => {
    const pkg = JSON.parse(readFileSync(`${root}/package.json`, 'utf8')) as { scripts: Record<string, string> };
    for (const name of ['ingest', 'dispatcher', 'tracker']) {
      expect(pkg.scripts[`start:${name}`]).toContain(`node --max-semi-space-size=16 --import ./infra/node/stripped-ts.js services/${name}/src/main.ts`);
    }
    expect(readFileSync(`${root}/infra/docker/Dockerfile`, 'utf8')).toContain('exec node --max-semi-space-size=16 --import ./infra/node/stripped-ts.js');
  });
});
