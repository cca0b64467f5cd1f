import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { webDistDir } from '@hookline/web';
import { chromium, type Browser } from 'playwright-core';

const webDir = fileURLToPath(new URL('../../packages/web', import.meta.url));
const viteCli = fileURLToPath(new URL('../../node_modules/vite/bin/vite.js', import.meta.url));

const newest = (dir: string): number =>
  readdirSync(dir, { withFileTypes: true }).reduce((max, e) => {
    const p = join(dir, e.name);
    return Math.max(max, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }, 0);

/**
 * Builds the portal and console (`vite build`, under a second) when `packages/web/dist` is missing or older than
 * its sources, so a browser test always drives the code in the tree.
 */
export function ensureWebBuilt(): void {
  const index = join(webDistDir, 'portal', 'index.html');
  const sources = Math.max(newest(join(webDir, 'src')), newest(join(webDir, 'portal')), newest(join(webDir, 'console')));
  if (existsSync(index) && statSync(index).mtimeMs >= sources && existsSync(join(webDistDir, 'console', 'index.html'))) return;
  execFileSync(process.execPath, [viteCli, 'build', '--logLevel', 'warn'], { cwd: webDir, stdio: 'inherit' });
}

/** Debian's Chromium, headless, with nothing reaching beyond the pages it is sent to. */
export const CHROMIUM = '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}
