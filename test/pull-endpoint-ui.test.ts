import { randomBytes } from 'node:crypto';
import { createTestWorld, type TestWorld } from '@hookline/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './support/browser.ts';
import { call, createTenant, startPipeline, type Pipeline } from './support/pipeline.ts';

/**
 * The endpoint form's Pull destination in a real browser (portal and console share the form): a pull endpoint is
 * created without a URL; its page says how its consumer reads the messages; editing keeps it a pull endpoint.
 */
describe('pull endpoints in the portal', () => {
  let world: TestWorld;
  let pipeline: Pipeline;
  let browser: Browser;
  let page: Page;
  let api: string;
  let key: string;
  let app: { id: string; uid: string };
  const run = randomBytes(3).toString('hex');

  beforeAll(async () => {
    world = createTestWorld('pull-endpoint-ui');
    pipeline = await startPipeline(world, { services: ['ingest'] });
    api = pipeline.api;
    key = (await createTenant(api, world.env.ADMIN_TOKEN!, 'pull-ui')).apiKey;
    app = (await call('POST', `${api}/v1/applications`, key, { name: 'Acme', uid: `acme-${run}` })).json;
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await pipeline?.stop();
    await world?.cleanup();
  });

  it('creates a pull endpoint without a URL, shows how to read it, and keeps it a pull endpoint when edited', { timeout: 60_000 }, async () => {
    const session = (await call('POST', `${api}/v1/applications/${app.id}/portal-sessions`, key, {})).json;
    await page.goto(session.url);
    await page.getByTestId('add-endpoint').first().click();
    await page.getByTestId('endpoint-type-pull').check();
    expect(await page.getByTestId('endpoint-url-input').count()).toBe(0);
    await page.getByTestId('pull-destination-hint').waitFor();
    await page.getByTestId('endpoint-description-input').fill('Behind the firewall');
    await page.getByTestId('save-endpoint').click();
    await page.getByTestId('endpoint-detail').waitFor();
    const id = await page.getByTestId('endpoint-detail').getAttribute('data-id');
    await page.getByTestId('endpoint-url').filter({ hasText: `pull://${id}` }).waitFor();
    const note = page.getByTestId('pull-endpoint-note');
    await note.waitFor();
    expect(await page.getByTestId('pull-endpoint-code').textContent()).toContain(`/v1/applications/${app.id}/endpoints/${id}/messages?wait=30`);
    expect(await note.textContent()).toContain('hookline listen');

    await page.getByTestId('edit-endpoint').click();
    await page.getByTestId('endpoint-description-input').fill('Still pulled');
    await page.getByTestId('save-endpoint').click();
    await page.getByText('Still pulled').first().waitFor();
    const got = (await call('GET', `${api}/v1/applications/${app.id}/endpoints/${id}`, key)).json;
    expect(got).toMatchObject({ type: 'pull', url: `pull://${id}`, description: 'Still pulled', expiresAt: null });
    const messages = await call('GET', `${api}/v1/applications/${app.id}/endpoints/${id}/messages`, session.token);
    expect(messages.json).toEqual({ data: [], cursor: '0', done: true });
  });
});
