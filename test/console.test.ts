import { randomBytes } from 'node:crypto';
import { createTestWorld, Receiver, waitFor, type TestWorld } from '@hookline/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './support/browser.ts';
import { call, createTenant, startPipeline, type Pipeline } from './support/pipeline.ts';

describe("The sender's console in a real browser: sign-in, applications, portal links, events, dead letters, health, system", () => {
  let world: TestWorld;
  let pipeline: Pipeline;
  let good: Receiver;
  let bad: Receiver;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let api: string;
  let key: string;
  let appId: string;
  let badEndpoint: string;
  let failing = true;
  const uid = `initech-${randomBytes(3).toString('hex')}`;

  beforeAll(async () => {
    world = createTestWorld('console');
    good = await Receiver.start();
    bad = await Receiver.start();
    bad.respondWith(() => (failing ? { status: 500, body: 'down' } : { status: 200 }));
    pipeline = await startPipeline(world, { env: { RETRY_SCHEDULE: '100ms,100ms', CIRCUIT_VOLUME_THRESHOLD: '100000' } });
    api = pipeline.api;
    key = (await createTenant(api, world.env.ADMIN_TOKEN!, 'console-sender')).apiKey;
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await pipeline?.stop();
    await good?.close();
    await bad?.close();
    await world?.cleanup();
  });

  it('refuses a wrong key and signs in with a tenant key kept in the session only', async () => {
    await page.goto(`${api}/console/`);
    await page.getByTestId('api-key-input').fill('hk_wrong');
    await page.getByTestId('sign-in-submit').click();
    await page.getByTestId('error').waitFor();
    await page.getByTestId('api-key-input').fill(key);
    await page.getByTestId('sign-in-submit').click();
    await page.getByTestId('nav-applications').waitFor();
    expect(await page.evaluate("sessionStorage.getItem('hookline.console.key')")).toBe(key);
    expect(await page.evaluate('localStorage.length')).toBe(0);
  });

  it('creates an application and adds an endpoint to it', async () => {
    await page.getByTestId('create-application').first().click();
    await page.getByTestId('application-name-input').fill('Initech');
    await page.getByTestId('application-uid-input').fill(uid);
    await page.getByTestId('save-application').click();
    await page.getByTestId('portal-link-card').waitFor();
    const app = await call('GET', `${api}/v1/applications/${uid}`, key);
    expect(app.json).toMatchObject({ name: 'Initech', uid });
    appId = app.json.id;
    expect(page.url()).toBe(`${api}/console/#/applications/${appId}`);
    await page.getByTestId('add-endpoint').first().click();
    await page.getByTestId('endpoint-url-input').fill(good.url('/initech'));
    await page.getByTestId('save-endpoint').click();
    await page.getByTestId('endpoint-detail').waitFor();
    badEndpoint = (await call('POST', `${api}/v1/applications/${appId}/endpoints`, key, { url: bad.url('/initech-down') })).json.id;
    await page.getByTestId('nav-applications').click();
    await page.locator(`[data-testid="application-row"][data-id="${appId}"] [data-testid="endpoint-count"]`).filter({ hasText: '2' }).waitFor();
  });

  it("opens the application's portal from a magic link it creates", async () => {
    await page.locator(`[data-testid="application-row"][data-id="${appId}"]`).click();
    const [popup] = await Promise.all([context.waitForEvent('page'), page.getByTestId('open-portal').click()]);
    const link = (await page.getByTestId('portal-url').getAttribute('href'))!;
    expect(link).toMatch(new RegExp(`^${api}/portal/#token=hlp_`));
    await popup.getByTestId('endpoint-row').filter({ hasText: good.url('/initech') }).waitFor();
    expect(popup.url()).toBe(`${api}/portal/#/endpoints`);
    await popup.close();
    // Revoking the link stops its token at once.
    const token = new URL(link).hash.replace('#token=', '');
    expect((await call('GET', `${api}/v1/portal-sessions/current`, token)).status).toBe(200);
    await page.getByTestId('revoke-portal').click();
    await page.getByTestId('portal-revoked').waitFor();
    expect((await call('GET', `${api}/v1/portal-sessions/current`, token)).status).toBe(401);
  });

  it('shows events across applications, filtered by application, each opening with its deliveries', async () => {
    const eventId = (await call('POST', `${api}/v1/applications/${uid}/events`, key, { type: 'order.shipped', data: { order: 7 } })).json.id;
    await call('POST', `${api}/v1/events`, key, { type: 'default.app.event', data: {} });
    await page.goto(`${api}/console/#/events?application=${appId}`);
    await page.locator(`[data-testid="event-row"][data-id="${eventId}"]`).click();
    await page.locator('[data-testid="delivery-row"][data-status="succeeded"]').waitFor({ timeout: 20_000 });
    await page.locator('[data-testid="delivery-row"][data-status="dead"]').waitFor({ timeout: 20_000 });
    await page.goto(`${api}/console/#/events?application=${appId}`);
    await page.getByTestId('event-row').first().waitFor();
    const shown = await Promise.all((await page.getByTestId('event-row').all()).map((row) => row.getAttribute('data-id')));
    expect(shown).toEqual([eventId]);
  });

  it('lists dead letters and redrives them with the job progress', async () => {
    await page.goto(`${api}/console/#/dead-letters?application=${appId}`);
    await page.getByTestId('dead-letter-row').first().waitFor();
    failing = false;
    const before = bad.requests.length;
    await page.getByTestId('redrive-all').click();
    await page.locator('[data-testid="job-progress"][data-status="completed"]').waitFor({ timeout: 20_000 });
    await bad.waitForRequests(before + 1);
    await waitFor(async () => ((await call('GET', `${api}/v1/dead-letters?application=${appId}`, key)).json.data.length === 0 ? true : undefined), {
      description: 'the dead letter redriven',
    });
    await page.reload();
    await page.getByTestId('dead-letters-empty').waitFor();
  });

  it('shows endpoint health with disabled endpoints first', async () => {
    await call('PATCH', `${api}/v1/applications/${appId}/endpoints/${badEndpoint}`, key, { disabled: true });
    await page.goto(`${api}/console/#/health?application=${appId}`);
    await page.getByTestId('health-row').nth(1).waitFor();
    expect(await page.getByTestId('health-row').first().textContent()).toContain(bad.url('/initech-down'));
  });

  it('edits an application and deletes one after confirmation', async () => {
    const temp = (await call('POST', `${api}/v1/applications`, key, { name: 'Temporary' })).json;
    await page.goto(`${api}/console/#/applications/${temp.id}`);
    await page.getByTestId('edit-application').click();
    await page.getByTestId('application-name-input').fill('Temporary customer');
    await page.getByTestId('application-rate-input').fill('50');
    await page.getByTestId('save-application').click();
    await page.locator('h1').filter({ hasText: 'Temporary customer' }).waitFor();
    expect((await call('GET', `${api}/v1/applications/${temp.id}`, key)).json).toMatchObject({ name: 'Temporary customer', rateLimitPerSecond: 50 });
    await page.getByTestId('delete-application').click();
    await page.getByTestId('delete-application-confirm').click();
    await page.getByTestId('applications-table').waitFor();
    expect(await page.locator(`[data-testid="application-row"][data-id="${temp.id}"]`).count()).toBe(0);
    expect((await call('GET', `${api}/v1/applications/${temp.id}`, key)).status).toBe(404);
  });

  it('shows the services and their throughput, then signs out', async () => {
    await page.goto(`${api}/console/#/system`);
    await page.getByTestId('throughput').waitFor();
    await page.getByTestId('sign-out').click();
    await page.getByTestId('sign-in').waitFor();
    expect(await page.evaluate("sessionStorage.getItem('hookline.console.key')")).toBeNull();
  });
});
