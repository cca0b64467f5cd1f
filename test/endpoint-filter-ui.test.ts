import { randomBytes } from 'node:crypto';
import { createTestWorld, Receiver, type TestWorld } from '@hookline/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './support/browser.ts';
import { call, createTenant, startPipeline, type Pipeline } from './support/pipeline.ts';

/**
 * The endpoint form's Filter field in a real browser (portal and console share the form): the server's validation
 * error is shown with its path, a valid filter is saved and applied, and "Test against an event" answers with the
 * test route.
 */
describe('Content filters in the portal and the console', () => {
  let world: TestWorld;
  let pipeline: Pipeline;
  let receiver: Receiver;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let api: string;
  let key: string;
  let app: { id: string; uid: string };
  const run = randomBytes(3).toString('hex');

  beforeAll(async () => {
    world = createTestWorld('endpoint-filter-ui');
    receiver = await Receiver.start();
    pipeline = await startPipeline(world);
    api = pipeline.api;
    key = (await createTenant(api, world.env.ADMIN_TOKEN!, 'filter-ui')).apiKey;
    app = (await call('POST', `${api}/v1/applications`, key, { name: 'Acme', uid: `acme-${run}` })).json;
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await pipeline?.stop();
    await receiver?.close();
    await world?.cleanup();
  });

  const filterInput = () => page.getByTestId('endpoint-filter-input');

  it('portal: shows the server\'s error for a bad filter with its path, saves a good one, and delivers only what matches', { timeout: 60_000 }, async () => {
    const session = (await call('POST', `${api}/v1/applications/${app.id}/portal-sessions`, key, {})).json;
    await page.goto(session.url);
    await page.getByTestId('add-endpoint').first().click();
    await page.getByTestId('endpoint-url-input').fill(receiver.url('/portal'));

    await filterInput().fill('{"data.amount": ');
    await page.getByTestId('filter-parse-error').waitFor();
    await page.getByTestId('save-endpoint').click();
    await page.getByTestId('error').filter({ hasText: 'not valid JSON' }).waitFor();

    await filterInput().fill('{"data.amount": {"$gt": true}}');
    await page.getByTestId('save-endpoint').click();
    await page.getByTestId('filter-errors').filter({ hasText: 'filter.data.amount.$gt' }).filter({ hasText: 'must be a number or a string' }).waitFor();
    expect((await call('GET', `${api}/v1/applications/${app.id}/endpoints`, key)).json.data).toEqual([]);

    const filter = { type: { $in: ['invoice.paid'] }, 'data.amount': { $gt: 100 } };
    await filterInput().fill(JSON.stringify(filter));
    await page.getByTestId('save-endpoint').click();
    await page.getByTestId('endpoint-detail').waitFor();
    await page.getByTestId('endpoint-filter').filter({ hasText: '"data.amount"' }).waitFor();
    const endpointId = (await page.getByTestId('endpoint-detail').getAttribute('data-id'))!;
    expect((await call('GET', `${api}/v1/applications/${app.id}/endpoints/${endpointId}`, key)).json.filter).toEqual(filter);

    const small = (await call('POST', `${api}/v1/applications/${app.id}/events`, key, { type: 'invoice.paid', data: { amount: 5 } })).json.id;
    const big = (await call('POST', `${api}/v1/applications/${app.id}/events`, key, { type: 'invoice.paid', data: { amount: 500 } })).json.id;
    await receiver.waitForRequests(1, { match: (r) => r.headers['webhook-id'] === big, timeoutMs: 20_000 });
    expect(receiver.requests.some((r) => r.headers['webhook-id'] === small)).toBe(false);
  });

  it('portal: "Test against an event" says whether an event matches the filter being edited', { timeout: 60_000 }, async () => {
    await page.getByTestId('edit-endpoint').click();
    await page.getByTestId('filter-test-toggle').click();
    await page.getByTestId('filter-test-event').fill('{"type": "invoice.paid", "data": {"amount": 150}}');
    await page.getByTestId('filter-test-run').click();
    await page.locator('[data-testid="filter-test-result"][data-matches="true"]').waitFor();
    await page.getByTestId('filter-test-event').fill('{"type": "invoice.paid", "data": {"amount": 50}}');
    await page.getByTestId('filter-test-run').click();
    await page.locator('[data-testid="filter-test-result"][data-matches="false"]').waitFor();
    // The filter in the textarea is the one tested, saved or not.
    await filterInput().fill('{"data.amount": {"$lt": 100}}');
    await page.getByTestId('filter-test-run').click();
    await page.locator('[data-testid="filter-test-result"][data-matches="true"]').waitFor();
    await filterInput().fill('{"data.amount": {"$lt": []}}');
    await page.getByTestId('filter-test-run').click();
    await page.getByTestId('error').filter({ hasText: 'filter.data.amount.$lt' }).waitFor();
  });

  it('console: sets a filter on an endpoint and clears it', { timeout: 60_000 }, async () => {
    const ep = (await call('POST', `${api}/v1/applications/${app.id}/endpoints`, key, { url: receiver.url('/console') })).json;
    await page.goto(`${api}/console/`);
    await page.getByTestId('api-key-input').fill(key);
    await page.getByTestId('sign-in-submit').click();
    await page.getByTestId('nav-applications').waitFor();
    await page.goto(`${api}/console/#/applications/${app.id}/endpoints/${ep.id}`);
    await page.getByTestId('endpoint-filter').filter({ hasText: 'None' }).waitFor();
    await page.getByTestId('edit-endpoint').click();
    await filterInput().fill('{"headers.x-github-event": "push"}');
    await page.getByTestId('save-endpoint').click();
    await page.getByTestId('endpoint-filter').filter({ hasText: 'x-github-event' }).waitFor();
    expect((await call('GET', `${api}/v1/applications/${app.id}/endpoints/${ep.id}`, key)).json.filter).toEqual({ 'headers.x-github-event': 'push' });
    await page.getByTestId('edit-endpoint').click();
    expect(await filterInput().inputValue()).toContain('x-github-event');
    await filterInput().fill('');
    await page.getByTestId('save-endpoint').click();
    await page.getByTestId('endpoint-filter').filter({ hasText: 'None' }).waitFor();
    expect((await call('GET', `${api}/v1/applications/${app.id}/endpoints/${ep.id}`, key)).json.filter).toBeNull();
  });
});
