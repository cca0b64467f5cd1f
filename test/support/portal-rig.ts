import { randomBytes } from 'node:crypto';
import { createTestWorld, type TestWorld } from '@hookline/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './browser.ts';
import { call, createTenant, startPipeline, type Pipeline } from './pipeline.ts';

/** What a browser test of the portal and console stands on: the stack, a tenant with one application, a page. */
export interface PortalRig {
  world: TestWorld;
  pipeline: Pipeline;
  api: string;
  /** The tenant's API key. */
  key: string;
  app: { id: string; uid: string };
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** A magic link into the application's portal (a new session). */
  portalUrl(): Promise<string>;
  close(): Promise<void>;
}

/**
 * Starts the services (`options`, as {@link startPipeline}), creates a tenant and an application `Acme`, and opens a
 * 1280×900 page in Debian's Chromium.
 */
export async function startPortalRig(name: string, options: Parameters<typeof startPipeline>[1] = {}): Promise<PortalRig> {
  const world = createTestWorld(name);
  const pipeline = await startPipeline(world, options);
  const api = pipeline.api;
  const key = (await createTenant(api, world.env.ADMIN_TOKEN!, name)).apiKey;
  const app = (await call('POST', `${api}/v1/applications`, key, { name: 'Acme', uid: `acme-${randomBytes(3).toString('hex')}` })).json as { id: string; uid: string };
  const browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  return {
    world, pipeline, api, key, app, browser, context, page,
    portalUrl: async () => (await call('POST', `${api}/v1/applications/${app.id}/portal-sessions`, key, {})).json.url as string,
    async close() {
      await browser.close();
      await pipeline.stop();
      await world.cleanup();
    },
  };
}
