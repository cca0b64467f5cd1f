import { createHmac } from 'node:crypto';
import { createTestWorld, type TestWorld } from '@hookline/testing';
import type { Browser, Page } from 'playwright-core';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './support/browser.ts';
import { call, createTenant, startPipeline, type Pipeline } from './support/pipeline.ts';

describe("The console's Sources page in a real browser: sources and their recent requests with verification results", () => {
  let world: TestWorld;
  let pipeline: Pipeline;
  let browser: Browser;
  let page: Page;
  let api: string;
  let key: string;
  let source: { id: string; url: string };

  beforeAll(async () => {
    world = createTestWorld('console-sources');
    pipeline = await startPipeline(world, { services: ['ingest'] });
    api = pipeline.api;
    key = (await createTenant(api, world.env.ADMIN_TOKEN!, 'console-sources')).apiKey;
    source = (await call('POST', `${api}/v1/sources`, key, { name: 'GitHub org', provider: 'github', verification: { secret: 'gh-secret' } })).json;
    const body = JSON.stringify({ action: 'opened' });
    const sig = (secret: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
    for (const secret of ['gh-secret', 'wrong']) {
      const res = await request(source.url, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-github-event': 'issues', 'x-github-delivery': `d-${secret}`, 'x-hub-signature-256': sig(secret) } });
      await res.body.dump();
    }
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await pipeline?.stop();
    await world?.cleanup();
  });

  it('lists the source and shows its requests, verified and failed, newest first', async () => {
    await page.goto(`${api}/console/`);
    await page.getByTestId('api-key-input').fill(key);
    await page.getByTestId('sign-in-submit').click();
    await page.getByTestId('nav-sources').click();
    await page.getByTestId('source-row').filter({ hasText: 'GitHub org' }).getByRole('link', { name: 'GitHub org' }).click();
    await page.getByTestId('source-request-row').nth(1).waitFor();
    expect(page.url()).toBe(`${api}/console/#/sources/${source.id}`);
    const verdicts = await page.getByTestId('source-request-verification').allTextContents();
    expect(verdicts).toEqual(['failed', 'verified']);
    expect(await page.getByTestId('source-requests').textContent()).toMatch(/no match[\s\S]*issues\.opened/);
  });
});
