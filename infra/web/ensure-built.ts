import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
const WEB = join(ROOT, 'packages', 'web');
const SOURCES = ['src', 'portal', 'console', 'vite.config.ts', 'package.json'];
const OUTPUTS = ['dist/portal/index.html', 'dist/console/index.html'];

/** Newest modification time under a file or directory (ms). */
function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = st.mtimeMs;
  for (const entry of readdirSync(path)) max = Math.max(max, newest(join(path, entry)));
  return max;
}

/** True when a page is missing or older than a source of packages/web. */
export function webBuildStale(): boolean {
  const built = OUTPUTS.map((p) => join(WEB, p));
  if (built.some((p) => !existsSync(p))) return true;
  const oldestOutput = Math.min(...built.map((p) => statSync(p).mtimeMs));
  return Math.max(...SOURCES.map((s) => newest(join(WEB, s)))) > oldestOutput;
}

/**
 * Builds the portal and console (`npm run build:web`, Vite) when the build is missing or older than its sources, so
 * `npm start` and `npm test` serve the pages of the tree they run. Takes ~10 s when it builds, nothing otherwise.
 */
export async function ensureWebBuilt(opts: { log?: (msg: string) => void } = {}): Promise<'built' | 'fresh'> {
  if (!webBuildStale()) return 'fresh';
  opts.log?.('building the portal and console (npm run build:web)…');
  const started = Date.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', 'build:web'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`npm run build:web failed (exit ${code}):\n${output.slice(-4_000)}`))));
  });
  opts.log?.(`built the portal and console in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return 'built';
}
