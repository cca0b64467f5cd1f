import { chromium, type Browser } from 'playwright-core';

// The portal and console are built by the global setup (infra/web/ensure-built.ts) when missing or stale.

/** Debian's Chromium, headless, with nothing reaching beyond the pages it is sent to. */
export const CHROMIUM = '/usr/bin/chromium';

/** Launches Debian's Chromium headless (close it in afterAll). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}
