/**
 * Before/after pairs on one warm broker: the same bench command in a checkout of the tree before a change (`--base`,
 * e.g. a worktree of an earlier commit with its TypeScript stripped) and in this one, alternating, so that a drift of
 * the machine or of the broker's and the database's contents falls on both arms alike.
 *
 *   node bench/ab-pairs.ts --base /tmp/baseNN [--pairs 3] [--from 1] [--first base|new] [--timeout 600] -- <command>
 *
 * `<command>` runs through `bash -c` in each checkout with `AB_TREE` (`base` or `new`), `AB_N` (the pair's number) and
 * `AB_ROOT` (this checkout, for output paths) in its environment, e.g.
 *   -- 'node bench/run.ts --size full --scenarios 10 --runs 1 --no-markdown --out "$AB_ROOT/bench/results/sNN/sc10-$AB_TREE-$AB_N.json"'
 * Which tree runs first in a pair matters (the first of a pair drained faster in seven pairs of ten in the
 * thirty-third session): give some pairs each order (`--first new`).
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

const split = process.argv.indexOf('--');
const { values } = parseArgs({
  args: process.argv.slice(2, split < 0 ? undefined : split),
  options: {
    base: { type: 'string' },
    pairs: { type: 'string', default: '3' },
    from: { type: 'string', default: '1' },
    first: { type: 'string', default: 'base' },
    timeout: { type: 'string', default: '600' },
  },
});
const command = split < 0 ? '' : process.argv.slice(split + 1).join(' ');
if (!values.base || !command || !['base', 'new'].includes(values.first)) {
  console.error('usage: node bench/ab-pairs.ts --base <checkout> [--pairs 3] [--from 1] [--first base|new] [--timeout 600] -- <command>');
  process.exit(2);
}
const root = resolve(import.meta.dirname, '..');
const trees = { base: resolve(values.base), new: root };
const order = values.first === 'new' ? (['new', 'base'] as const) : (['base', 'new'] as const);
const from = Number(values.from);
let failed = 0;
for (let n = from; n < from + Number(values.pairs); n++) {
  for (const tree of order) {
    const started = Date.now();
    const run = spawnSync('bash', ['-c', command], {
      cwd: trees[tree],
      env: { ...process.env, AB_TREE: tree, AB_N: String(n), AB_ROOT: root },
      stdio: 'inherit',
      timeout: Number(values.timeout) * 1000,
    });
    const ok = run.status === 0;
    if (!ok) failed += 1;
    console.error(`[ab-pairs] pair ${n} ${tree}: ${ok ? 'done' : `failed (${run.signal ?? `exit ${run.status}`})`} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }
}
process.exit(failed === 0 ? 0 : 1);
