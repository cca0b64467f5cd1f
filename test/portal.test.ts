import { randomBytes } from 'node:crypto';
import { createTestWorld, infra, Receiver, waitFor, type ReceivedRequest, type TestWorld } from '@hookline/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import nacl from 'tweetnacl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './support/browser.ts';
import { call, createTenant, startPipeline, type Pipeline } from './support/pipeline.ts';

/** Verifies a request the receiver got with a signing secret, as a customer would (`standardwebhooks`). */
const verifies = (req: ReceivedRequest, secret: string): boolean => {
  try {
    new Webhook(secret).verify(req.body, req.headers as Record<string, string>);
    return true;
  } catch {
    return false;
  }
};

describe('The customer portal in a real browser: magic link, endpoints, event log, replay, secrets, isolation', () => {
  let world: TestWorld;
  let pipeline: Pipeline;
  let receiver: Receiver;
  let other: Receiver;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let api: string;
  let key: string;
  let appA: { id: string; uid: string };
  let appB: { id: string; uid: string };
  let otherEndpoint: string;
  let otherEvent: string;
  let session: { url: string; token: string; id: string };
  let endpointId: string;
  let eventId: string;
  let firstSecret: string;
  const run = randomBytes(3).toString('hex');
  const requested: string[] = [];
  const asPortal = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown, token = session.token) => call(method, `${api}${path}`, token, body);

  beforeAll(async () => {
    world = createTestWorld('portal');
    receiver = await Receiver.start();
    other = await Receiver.start();
    // The first attempt of every event fails, so the log shows a failed attempt with its answer, then a success.
    const seen = new Set<string>();
    receiver.respondWith((req) => {
      const id = String(req.headers['webhook-id']);
      if (seen.has(id)) return { status: 200, body: 'ok' };
      seen.add(id);
      return { status: 503, body: 'warming up, try again' };
    });
    // With the test run's schema registry (when there is one), event types show where their schema is registered.
    const registry = infra().schemaRegistryUrl;
    pipeline = await startPipeline(world, {
      env: { RETRY_SCHEDULE: '200ms,200ms,200ms', CIRCUIT_VOLUME_THRESHOLD: '100000', ...(registry ? { SCHEMA_REGISTRY_URL: registry } : {}) },
    });
    api = pipeline.api;
    key = (await createTenant(api, world.env.ADMIN_TOKEN!, 'portal-sender')).apiKey;
    const schema = { type: 'object', required: ['invoiceId'], properties: { invoiceId: { type: 'string' }, amount: { type: 'integer', minimum: 1 }, currency: { type: 'string', enum: ['EUR', 'USD'] } } };
    expect((await call('PUT', `${api}/v1/event-types/invoice.paid`, key, { description: 'An invoice was paid', schema })).status).toBeLessThan(300);
    const a = await call('POST', `${api}/v1/applications`, key, { name: 'Acme Corp', uid: `acme-${run}` });
    const b = await call('POST', `${api}/v1/applications`, key, { name: 'Globex', uid: `globex-${run}` });
    expect([a.status, b.status]).toEqual([201, 201]);
    appA = a.json;
    appB = b.json;
    // Another application of the same tenant, with its own endpoint, event and job: never visible from A's portal.
    otherEndpoint = (await call('POST', `${api}/v1/applications/${appB.id}/endpoints`, key, { url: other.url('/globex-secret-hook') })).json.id;
    otherEvent = (await call('POST', `${api}/v1/applications/${appB.id}/events`, key, { type: 'invoice.paid', data: { invoiceId: 'globex-1', amount: 5, currency: 'EUR' } })).json.id;
    const s = await call('POST', `${api}/v1/applications/${appA.id}/portal-sessions`, key, { theme: { primaryColor: '#0b7a75', name: 'Acme Billing', mode: 'light' } });
    expect(s.status).toBe(201);
    session = s.json;
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    context.on('request', (r) => requested.push(r.url()));
  });

  afterAll(async () => {
    await browser?.close();
    await pipeline?.stop();
    await receiver?.close();
    await other?.close();
    await world?.cleanup();
  });

  it('opens from the magic link, keeps the token in the session only and takes it out of the address bar', async () => {
    expect(session.url).toBe(`${api}/portal/#token=${session.token}`);
    await page.goto(session.url);
    await page.getByTestId('brand-name').filter({ hasText: 'Acme Billing' }).waitFor();
    expect(page.url()).toBe(`${api}/portal/#/endpoints`);
    expect(await page.evaluate("sessionStorage.getItem('hookline.portal.token')")).toBe(session.token);
    await page.getByTestId('endpoints-empty').filter({ hasText: 'No endpoints yet' }).waitFor();
    // The brand colour drives the accent.
    expect(await page.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--accent').trim()")).toBe('rgb(11 122 117)');
  });

  it('adds an endpoint pointing at the receiver, chosen event types included', async () => {
    await page.getByTestId('add-endpoint').first().click();
    await page.getByTestId('endpoint-url-input').fill(receiver.url('/acme'));
    await page.getByTestId('endpoint-description-input').fill('Billing listener');
    await page.getByTestId('event-type-filter').getByLabel('invoice.paid').check();
    await page.getByTestId('save-endpoint').click();
    await page.getByTestId('endpoint-detail').waitFor();
    endpointId = (await page.getByTestId('endpoint-detail').getAttribute('data-id'))!;
    const list = await call('GET', `${api}/v1/applications/${appA.id}/endpoints`, key);
    expect(list.json.data).toEqual([expect.objectContaining({ id: endpointId, url: receiver.url('/acme'), eventTypes: ['invoice.paid'], description: 'Billing listener' })]);
    await page.getByTestId('nav-endpoints').click();
    await page.getByTestId('endpoint-row').filter({ hasText: receiver.url('/acme') }).waitFor();
  });

  it('reveals the signing secret', async () => {
    await page.getByTestId('endpoint-row').first().click();
    await page.getByTestId('reveal-secret').click();
    await page.locator('[data-testid="secret-value"][data-revealed="true"]').waitFor();
    firstSecret = (await page.getByTestId('secret-value').textContent())!;
    expect(firstSecret).toMatch(/^whsec_/);
    expect((await call('GET', `${api}/v1/applications/${appA.id}/endpoints/${endpointId}/secret`, key)).json.secret).toBe(firstSecret);
  });

  it('shows a published event in the log with its delivery and every attempt', async () => {
    const published = await call('POST', `${api}/v1/applications/${appA.uid}/events`, key, { type: 'invoice.paid', data: { invoiceId: 'inv_1', amount: 4200, currency: 'EUR' }, metadata: { region: 'eu-west' } });
    expect(published.status).toBe(202);
    eventId = published.json.id;
    const delivered = await receiver.waitForRequests(2, { match: (r) => r.headers['webhook-id'] === eventId });
    expect(delivered.every((r) => verifies(r, firstSecret))).toBe(true);

    await page.getByTestId('nav-event-log').click();
    await page.locator(`[data-testid="event-row"][data-id="${eventId}"]`).click();
    await page.locator('[data-testid="delivery-row"][data-status="succeeded"]').waitFor({ timeout: 20_000 });
    await waitFor(async () => (await page.getByTestId('attempt-row').count()) === 2, { description: 'two attempt rows' });
    expect(await page.getByTestId('attempt-status-code').allTextContents()).toEqual(['503', '200']);
    // The failed attempt opens to show what the endpoint answered.
    await page.locator('[data-testid="attempt-row"]').first().click();
    await page.getByText('warming up, try again').waitFor();
    expect(await page.getByTestId('event-payload').textContent()).toContain('"invoiceId": "inv_1"');
    expect(await page.getByTestId('event-metadata').textContent()).toContain('"region": "eu-west"');
    // The other application's event is not in this log.
    await page.getByTestId('nav-event-log').click();
    await page.getByTestId('event-row').first().waitFor();
    expect(await page.locator(`[data-testid="event-row"][data-id="${otherEvent}"]`).count()).toBe(0);
  });

  it('replays the event: the job runs to completion and the receiver gets it again with the same webhook-id', async () => {
    const before = receiver.requests.filter((r) => r.headers['webhook-id'] === eventId).length;
    await page.locator(`[data-testid="event-row"][data-id="${eventId}"]`).click();
    await page.getByTestId('replay').click();
    await page.locator('[data-testid="job-progress"][data-status="completed"]').waitFor({ timeout: 20_000 });
    const again = await receiver.waitForRequests(before + 1, { match: (r) => r.headers['webhook-id'] === eventId });
    expect(again.at(-1)!.headers['webhook-id']).toBe(eventId);
    await waitFor(async () => (await page.getByTestId('attempt-row').count()) === 3, { description: 'the replayed attempt shown', timeoutMs: 20_000 });
  });

  it('rotates the secret: the next delivery verifies with the new one', async () => {
    await page.goto(`${api}/portal/#/endpoints/${endpointId}`);
    await page.getByTestId('rotate-secret').click();
    await page.getByTestId('rotate-secret-confirm').click();
    await page.getByTestId('secret-rotated').waitFor();
    const rotated = (await page.getByTestId('secret-value').textContent())!;
    expect(rotated).toMatch(/^whsec_/);
    expect(rotated).not.toBe(firstSecret);
    const before = receiver.requests.length;
    await page.getByTestId('send-test').click();
    await page.getByTestId('test-sent').waitFor();
    const [test] = await receiver.waitForRequests(1, { match: (r) => receiver.requests.indexOf(r) >= before && JSON.parse(r.body).type === 'webhook.test' });
    expect(verifies(test!, rotated)).toBe(true);
  });

  it('edits an endpoint (URL, custom header, rate limit), disables and re-enables it, and deletes it after confirmation', async () => {
    const second = (await call('POST', `${api}/v1/applications/${appA.id}/endpoints`, key, { url: receiver.url('/second') })).json.id;
    await page.goto(`${api}/portal/#/endpoints/${second}`);
    await page.getByTestId('edit-endpoint').click();
    await page.getByTestId('endpoint-url-input').fill(receiver.url('/second-v2'));
    await page.getByTestId('add-header').click();
    await page.getByLabel('Header name').fill('X-Customer-Token');
    await page.getByLabel('Header value').fill('abc123');
    await page.getByTestId('endpoint-rate-input').fill('5');
    await page.getByTestId('save-endpoint').click();
    await page.getByTestId('endpoint-url').filter({ hasText: receiver.url('/second-v2') }).waitFor();
    const edited = (await call('GET', `${api}/v1/applications/${appA.id}/endpoints/${second}`, key)).json;
    expect(edited).toMatchObject({ url: receiver.url('/second-v2'), headers: { 'X-Customer-Token': 'abc123' }, rateLimitPerSecond: 5 });

    await page.getByTestId('disable-endpoint').click();
    await page.getByTestId('disabled-note').waitFor();
    expect((await call('GET', `${api}/v1/applications/${appA.id}/endpoints/${second}`, key)).json.disabled).toBe(true);
    await page.getByTestId('enable-endpoint').click();
    await page.locator('[data-testid="endpoint-status"][data-value="enabled"]').waitFor();
    expect((await call('GET', `${api}/v1/applications/${appA.id}/endpoints/${second}`, key)).json.disabled).toBe(false);

    await page.getByTestId('delete-endpoint').click();
    await page.getByTestId('delete-endpoint-confirm').click();
    await page.getByTestId('endpoints-table').waitFor();
    expect(page.url()).toBe(`${api}/portal/#/endpoints`);
    expect((await call('GET', `${api}/v1/applications/${appA.id}/endpoints/${second}`, key)).status).toBe(404);
    expect(await page.getByTestId('endpoint-row').count()).toBe(1);
  });

  it('creates an ed25519 endpoint: the page shows the scheme and the public key, which verifies its v1a deliveries; rotation shows the new key', async () => {
    await page.getByTestId('add-endpoint').first().click();
    await page.getByTestId('endpoint-url-input').fill(receiver.url('/ed25519'));
    await page.getByTestId('signature-scheme-ed25519').check();
    await page.getByTestId('save-endpoint').click();
    await page.getByTestId('endpoint-detail').waitFor();
    const id = (await page.getByTestId('endpoint-detail').getAttribute('data-id'))!;
    expect(await page.getByTestId('signature-scheme-value').textContent()).toBe('Ed25519');
    await page.locator('[data-testid="public-key-value"][data-loaded="true"]').waitFor();
    const shown = (await page.getByTestId('public-key-value').textContent())!;
    expect(shown).toMatch(/^whpk_[A-Za-z0-9+/]{43}=$/);
    expect((await call('GET', `${api}/v1/applications/${appA.id}/endpoints/${id}/secret`, key)).json).toEqual({ scheme: 'ed25519', publicKey: shown });
    await page.getByTestId('copy-public-key').waitFor();
    expect(await page.getByTestId('secret-value').count()).toBe(0);

    const before = receiver.requests.length;
    await page.getByTestId('send-test').click();
    await page.getByTestId('test-sent').waitFor();
    const [test] = await receiver.waitForRequests(1, { match: (r) => receiver.requests.indexOf(r) >= before && r.path === '/ed25519' });
    const [version, sig] = String(test!.headers['webhook-signature']).split(',');
    expect(version).toBe('v1a');
    const content = Buffer.from(`${test!.headers['webhook-id']}.${test!.headers['webhook-timestamp']}.${test!.body}`);
    expect(nacl.sign.detached.verify(content, Buffer.from(sig!, 'base64'), Buffer.from(shown.slice('whpk_'.length), 'base64'))).toBe(true);

    await page.getByTestId('rotate-secret').click();
    await page.getByTestId('rotate-secret-confirm').click();
    await page.getByTestId('secret-rotated').waitFor();
    const rotated = (await page.getByTestId('public-key-value').textContent())!;
    expect(rotated).toMatch(/^whpk_/);
    expect(rotated).not.toBe(shown);
    expect((await call('DELETE', `${api}/v1/applications/${appA.id}/endpoints/${id}`, key)).status).toBe(204);
    await page.getByTestId('nav-endpoints').click();
  });

  it('filters the event log by status, type, endpoint and time, and recovers an endpoint\'s failures with a progress bar', async () => {
    const down = await Receiver.start();
    let failing = true;
    down.respondWith(() => (failing ? { status: 500, body: 'maintenance' } : { status: 200 }));
    try {
      const flaky = (await call('POST', `${api}/v1/applications/${appA.id}/endpoints`, key, { url: down.url('/down'), eventTypes: ['order.created'] })).json.id;
      const dead = (await call('POST', `${api}/v1/applications/${appA.id}/events`, key, { type: 'order.created', data: { order: 1 } })).json.id;
      await waitFor(async () => {
        const d = (await call('GET', `${api}/v1/applications/${appA.id}/events/${dead}`, key)).json.deliveries ?? [];
        return d.some((x: { status: string }) => x.status === 'dead') ? true : undefined;
      }, { description: 'the delivery to the failing endpoint dead', timeoutMs: 30_000 });

      await page.goto(`${api}/portal/#/events`);
      await page.getByTestId('filter-status').selectOption('dead');
      await page.locator(`[data-testid="event-row"][data-id="${dead}"]`).waitFor();
      expect(await page.getByTestId('event-row').count()).toBe(1);
      expect(page.url()).toContain('status=dead');
      await page.goto(`${api}/portal/#/events`);
      await page.getByTestId('filter-type').selectOption('invoice.paid');
      await page.locator(`[data-testid="event-row"][data-id="${eventId}"]`).waitFor();
      expect(await page.locator(`[data-testid="event-row"][data-id="${dead}"]`).count()).toBe(0);
      await page.goto(`${api}/portal/#/events`);
      await page.getByTestId('filter-endpoint').selectOption(flaky);
      await page.locator(`[data-testid="event-row"][data-id="${dead}"]`).waitFor();
      expect(await page.getByTestId('event-row').count()).toBe(1);
      await page.getByTestId('filter-after').fill('2099-01-01T00:00');
      await page.getByTestId('events-empty').waitFor();

      failing = false;
      await page.goto(`${api}/portal/#/endpoints/${flaky}`);
      await page.getByTestId('recover').click();
      await page.locator('[data-testid="job-progress"][data-status="completed"]').waitFor({ timeout: 20_000 });
      await down.waitForRequests(1, { match: (r) => r.headers['webhook-id'] === dead && down.requests.indexOf(r) >= 4 });
      await page.goto(`${api}/portal/#/events/${dead}`);
      await page.locator(`[data-testid="delivery-row"][data-endpoint-id="${flaky}"][data-status="succeeded"]`).waitFor({ timeout: 20_000 });
      await call('DELETE', `${api}/v1/applications/${appA.id}/endpoints/${flaky}`, key);
    } finally {
      await down.close();
    }
  });

  it('shows each event type with its JSON Schema and an example payload, and how to verify signatures', async () => {
    await page.getByTestId('nav-event-types').click();
    await page.locator('[data-testid="event-type"][data-name="invoice.paid"]').waitFor();
    const example = JSON.parse((await page.getByTestId('example-payload').locator('pre').textContent())!);
    expect(example).toMatchObject({ type: 'invoice.paid', data: { invoiceId: expect.any(String), amount: 1, currency: 'EUR' } });
    expect(await page.getByTestId('type-schema').textContent()).toContain('"required"');
    const registered = (await call('GET', `${api}/v1/event-types/invoice.paid`, key)).json;
    if (infra().schemaRegistryUrl) {
      expect(registered.subject).toEqual(expect.any(String));
      const line = await page.getByTestId('type-registry').textContent();
      expect(line).toContain(registered.subject);
      expect(line).toContain(`schema id ${registered.schemaId}`);
      expect(line).toContain(`version ${registered.schemaVersion}`);
    } else {
      expect(await page.getByTestId('type-registry').count()).toBe(0);
    }
    await page.getByTestId('nav-verifying-signatures').click();
    expect(await page.getByTestId('sample-node').textContent()).toContain('new Webhook(process.env.WEBHOOK_SECRET)');
    expect(await page.getByTestId('sample-node').textContent()).toContain('wh.verify(');
  });

  it("never reaches another application's data with the portal token through the API", async () => {
    const job = (await call('POST', `${api}/v1/applications/${appB.id}/events/${otherEvent}/replay`, key, {})).json.job;
    const notFound = [
      `/v1/applications/${appB.id}`,
      `/v1/applications/${appB.id}/endpoints`,
      `/v1/applications/${appB.uid}/endpoints`,
      `/v1/applications/${appB.id}/events`,
      `/v1/applications/${appB.id}/events/${otherEvent}`,
      `/v1/applications/${appA.id}/endpoints/${otherEndpoint}`,
      `/v1/applications/${appA.id}/endpoints/${otherEndpoint}/secret`,
      `/v1/applications/${appA.id}/events/${otherEvent}`,
      `/v1/applications/${appA.id}/events/${otherEvent}/attempts`,
      `/v1/jobs/${job.id}`,
    ];
    for (const path of notFound) expect([path, (await asPortal('GET', path)).status]).toEqual([path, 404]);
    expect((await asPortal('POST', `/v1/applications/${appB.id}/events`, { type: 'invoice.paid', data: { invoiceId: 'x' } })).status).toBe(404);
    expect((await asPortal('POST', `/v1/applications/${appA.id}/endpoints/${otherEndpoint}/secret/rotate`, {})).status).toBe(404);
    for (const path of ['/v1/endpoints', '/v1/events', '/v1/applications', '/v1/dead-letters', '/v1/endpoints/health', '/v1/event-types', '/v1/system/metrics']) {
      expect([path, (await asPortal('GET', path)).status]).toEqual([path, 401]);
    }
    expect((await asPortal('POST', `/v1/applications/${appA.id}/portal-sessions`, {})).status).toBe(403);
    expect((await asPortal('PATCH', `/v1/applications/${appA.id}`, { name: 'mine now' })).status).toBe(403);
    expect((await asPortal('DELETE', `/v1/applications/${appA.id}`)).status).toBe(403);
  });

  it("never shows another application's data through crafted page addresses", async () => {
    for (const route of [`#/endpoints/${otherEndpoint}`, `#/events/${otherEvent}`]) {
      await page.goto(`${api}/portal/${route}`);
      await page.getByTestId('not-found').waitFor();
      const text = await page.locator('body').textContent();
      expect(text).not.toContain('globex-secret-hook');
      expect(text).not.toContain('globex-1');
    }
    await page.goto(`${api}/portal/#/events?endpointId=${otherEndpoint}`);
    await page.getByTestId('events-empty').waitFor();
  });

  it('a read-only session shows no changing control, and the API refuses changes with 403', async () => {
    const ro = (await call('POST', `${api}/v1/applications/${appA.id}/portal-sessions`, key, { readOnly: true })).json;
    const roPage = await context.newPage();
    try {
      await roPage.goto(ro.url);
      await roPage.getByTestId('read-only').waitFor();
      await roPage.getByTestId('endpoint-row').first().waitFor();
      expect(await roPage.getByTestId('add-endpoint').count()).toBe(0);
      await roPage.getByTestId('endpoint-row').first().click();
      await roPage.getByTestId('endpoint-health').waitFor();
      for (const id of ['rotate-secret', 'send-test', 'edit-endpoint', 'disable-endpoint', 'delete-endpoint', 'recover']) {
        expect([id, await roPage.getByTestId(id).count()]).toEqual([id, 0]);
      }
      await roPage.goto(`${api}/portal/#/events/${eventId}`);
      await roPage.getByTestId('delivery-row').first().waitFor();
      expect(await roPage.getByTestId('replay').count()).toBe(0);
      expect(await roPage.getByTestId('replay-delivery').count()).toBe(0);
    } finally {
      await roPage.close();
    }
    const refused = await asPortal('POST', `/v1/applications/${appA.id}/endpoints`, { url: receiver.url('/nope') }, ro.token);
    expect(refused.status).toBe(403);
    expect(refused.json.code).toBe('HKL_READ_ONLY');
    expect((await asPortal('POST', `/v1/applications/${appA.id}/events/${eventId}/replay`, {}, ro.token)).status).toBe(403);
    expect((await asPortal('GET', `/v1/applications/${appA.id}/endpoints`, undefined, ro.token)).status).toBe(200);
  });

  it("follows the theme's mode (auto: the system's), and the visitor's toggle wins", async () => {
    const dark = (await call('POST', `${api}/v1/applications/${appA.id}/portal-sessions`, key, { theme: { mode: 'dark' } })).json;
    const auto = (await call('POST', `${api}/v1/applications/${appA.id}/portal-sessions`, key, { theme: { mode: 'auto' } })).json;
    const darkSystem = await browser.newContext({ colorScheme: 'dark' });
    try {
      const p1 = await darkSystem.newPage();
      await p1.goto(auto.url);
      await p1.getByTestId('endpoint-row').first().waitFor();
      expect(await p1.locator('html').getAttribute('data-theme')).toBe('dark');
      const p2 = await darkSystem.newPage();
      await p2.emulateMedia({ colorScheme: 'light' });
      await p2.goto(dark.url);
      await p2.getByTestId('endpoint-row').first().waitFor();
      expect(await p2.locator('html').getAttribute('data-theme')).toBe('dark');
      await p2.getByTestId('mode-toggle').click();
      await p2.locator('html[data-theme="light"]').waitFor({ state: 'attached' });
      await p2.reload();
      await p2.getByTestId('endpoint-row').first().waitFor();
      expect(await p2.locator('html').getAttribute('data-theme')).toBe('light');
    } finally {
      await darkSystem.close();
    }
  });

  it("works embedded in an iframe of the sender's product (another origin)", async () => {
    const embedded = (await call('POST', `${api}/v1/applications/${appA.id}/portal-sessions`, key, { theme: { name: 'Acme Billing' } })).json;
    const product = await Receiver.start();
    product.respondWith({ status: 200, headers: { 'content-type': 'text/html' }, body: `<h1>Sender's dashboard</h1><iframe src="${embedded.url}" width="1100" height="700"></iframe>` });
    const host = await context.newPage();
    try {
      await host.goto(product.url('/dashboard'));
      const frame = host.frameLocator('iframe');
      await frame.getByTestId('endpoint-row').first().waitFor();
      await frame.getByTestId('nav-event-log').click();
      await frame.locator(`[data-testid="event-row"][data-id="${eventId}"]`).waitFor();
    } finally {
      await host.close();
      await product.close();
    }
  });

  it('loads nothing from anywhere but the Hookline API origin (everything is bundled)', () => {
    const product = requested.filter((u) => u.includes('/dashboard'));
    const elsewhere = requested.filter((u) => !u.startsWith(`${api}/`) && !u.startsWith('data:') && !product.includes(u));
    expect(requested.length).toBeGreaterThan(20);
    expect(elsewhere).toEqual([]);
  });

  it('an invalid or revoked link shows the expired page', async () => {
    const fresh = await context.newPage();
    try {
      await fresh.goto(`${api}/portal/#token=hlp_not_a_real_token`);
      await fresh.getByTestId('expired').filter({ hasText: 'This link has expired or is invalid' }).waitFor();
      const revocable = (await call('POST', `${api}/v1/applications/${appA.id}/portal-sessions`, key, {})).json;
      await fresh.goto(revocable.url);
      await fresh.getByTestId('endpoint-row').first().waitFor();
      expect((await call('DELETE', `${api}/v1/applications/${appA.id}/portal-sessions/${revocable.id}`, key)).status).toBe(204);
      await fresh.reload();
      await fresh.getByTestId('expired').waitFor();
      // Signing out ends the session: its token answers 401 from then on.
      const leaving = (await call('POST', `${api}/v1/applications/${appA.id}/portal-sessions`, key, {})).json;
      await fresh.goto(leaving.url);
      await fresh.getByTestId('sign-out').click();
      await fresh.getByTestId('signed-out').waitFor();
      expect(await fresh.evaluate("sessionStorage.getItem('hookline.portal.token')")).toBeNull();
      expect((await asPortal('GET', '/v1/portal-sessions/current', undefined, leaving.token)).status).toBe(401);
    } finally {
      await fresh.close();
    }
  });
});
