import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestWorld, Receiver, waitFor, type TestWorld } from '@hookline/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './support/browser.ts';
import { call, createTenant, startPipeline, type Pipeline } from './support/pipeline.ts';

/**
 * `npm run screenshots`: seeds a demo sender (applications, endpoints that succeed, recover after a failure and
 * fail, events of a small catalogue) on a stack of its own and saves the portal's and the console's main pages as
 * 1280×800 PNGs in docs/screenshots/. Skipped by `npm test` (it rewrites committed files).
 */
const enabled = process.env.HOOKLINE_SCREENSHOTS === 'true';
const outDir = fileURLToPath(new URL('../docs/screenshots/', import.meta.url));

const logo = `data:image/svg+xml;base64,${Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="8" fill="#0b7a75"/><path d="M9 21V11h7a4 4 0 0 1 0 8h-4" fill="none" stroke="#fff" stroke-width="3" stroke-linecap="round"/></svg>',
).toString('base64')}`;

const catalogue: Array<[string, string, object]> = [
  ['invoice.paid', 'An invoice was paid in full', { type: 'object', required: ['invoiceId', 'amount', 'currency'], properties: { invoiceId: { type: 'string', examples: ['inv_2041'] }, customerId: { type: 'string' }, amount: { type: 'integer', minimum: 1, description: 'In minor units' }, currency: { type: 'string', enum: ['EUR', 'USD', 'GBP'] }, paidAt: { type: 'string', format: 'date-time' }, lines: { type: 'array', items: { type: 'object', properties: { sku: { type: 'string' }, quantity: { type: 'integer', minimum: 1 } } } } } }],
  ['invoice.payment_failed', 'A payment attempt was declined', { type: 'object', required: ['invoiceId', 'reason'], properties: { invoiceId: { type: 'string' }, reason: { type: 'string', enum: ['card_declined', 'insufficient_funds', 'expired_card'] }, retryAt: { type: 'string', format: 'date-time' } } }],
  ['customer.created', 'A customer signed up', { type: 'object', required: ['customerId', 'email'], properties: { customerId: { type: 'string' }, email: { type: 'string', format: 'email' }, plan: { type: 'string', enum: ['starter', 'growth', 'enterprise'] } } }],
  ['subscription.canceled', 'A subscription was canceled', { type: 'object', required: ['subscriptionId'], properties: { subscriptionId: { type: 'string' }, endsAt: { type: 'string', format: 'date' }, feedback: { type: ['string', 'null'] } } }],
];

describe.skipIf(!enabled)('Screenshots of the portal and the console (docs/screenshots)', () => {
  let world: TestWorld;
  let pipeline: Pipeline;
  let browser: Browser;
  let page: Page;
  let api: string;
  let key: string;
  const receivers: Receiver[] = [];
  const app: Record<string, string> = {};
  const ep: Record<string, string> = {};
  let flakyEvent = '';

  const post = async (path: string, body: unknown) => {
    const res = await call('POST', `${api}${path}`, key, body);
    if (res.status >= 300) throw new Error(`POST ${path} answered ${res.status}: ${JSON.stringify(res.json)}`);
    return res.json;
  };
  const receiver = async (behaviour: 'ok' | 'flaky' | 'down') => {
    const r = await Receiver.start();
    const seen = new Set<string>();
    r.respondWith((req) => {
      if (behaviour === 'ok') return { status: 200, body: '{"received":true}', delayMs: 20 + (req.body.length % 60) };
      if (behaviour === 'down') return { status: 500, body: '<html><body><h1>502 Bad Gateway</h1><p>upstream unavailable</p></body></html>' };
      const id = String(req.headers['webhook-id']);
      if (seen.has(id)) return { status: 200, body: 'ok', delayMs: 35 };
      seen.add(id);
      return { status: 503, body: '{"error":"service warming up, retry later"}' };
    });
    receivers.push(r);
    return r;
  };
  const shot = async (name: string) => {
    // Let relative times, progress bars and fonts settle into their final layout before the capture.
    await page.evaluate('document.fonts.ready');
    await page.mouse.move(1279, 799);
    const file = join(outDir, `${name}.png`);
    await page.screenshot({ path: file });
    const kb = statSync(file).size / 1024;
    console.log(`${name}.png ${kb.toFixed(0)} KB`);
    expect(kb).toBeLessThan(200);
  };

  beforeAll(async () => {
    mkdirSync(outDir, { recursive: true });
    world = createTestWorld('screenshots');
    pipeline = await startPipeline(world, { env: { RETRY_SCHEDULE: '300ms,300ms' } });
    api = pipeline.api;
    key = (await createTenant(api, world.env.ADMIN_TOKEN!, 'Paystream')).apiKey;
    for (const [name, description, schema] of catalogue) await call('PUT', `${api}/v1/event-types/${name}`, key, { description, schema });
    for (const [uid, name] of [['acme', 'Acme Corp'], ['globex', 'Globex'], ['initech', 'Initech'], ['umbrella', 'Umbrella Health']] as const) {
      app[uid] = (await post('/v1/applications', { name, uid, metadata: { plan: 'growth' } })).id;
    }
    const [ok1, ok2, flaky, down] = [await receiver('ok'), await receiver('ok'), await receiver('flaky'), await receiver('down')];
    ep.billing = (await post('/v1/applications/acme/endpoints', { url: ok1!.url('/webhooks/billing'), description: 'Billing service', eventTypes: ['invoice.paid', 'invoice.payment_failed'] })).id;
    ep.crm = (await post('/v1/applications/acme/endpoints', { url: flaky.url('/hooks/crm-sync'), description: 'CRM sync', rateLimitPerSecond: 20, headers: { 'X-Acme-Token': 'demo' } })).id;
    ep.legacy = (await post('/v1/applications/acme/endpoints', { url: down.url('/legacy/notify'), description: 'Legacy notifier', eventTypes: ['customer.created'] })).id;
    await post('/v1/applications/globex/endpoints', { url: ok2!.url('/globex/events'), description: 'Globex production' });
    await post('/v1/applications/initech/endpoints', { url: ok2!.url('/initech/hooks'), description: 'TPS reports' });
    await post('/v1/applications/initech/endpoints', { url: down.url('/initech/old'), description: 'Old integration' });
    const events = [
      ['customer.created', { customerId: 'cus_8812', email: 'ada@acme.example', plan: 'growth' }],
      ['invoice.paid', { invoiceId: 'inv_2041', customerId: 'cus_8812', amount: 4200, currency: 'EUR', paidAt: new Date().toISOString(), lines: [{ sku: 'growth-monthly', quantity: 1 }] }],
      ['invoice.payment_failed', { invoiceId: 'inv_2042', reason: 'card_declined', retryAt: new Date(Date.now() + 86_400_000).toISOString() }],
      ['invoice.paid', { invoiceId: 'inv_2043', customerId: 'cus_1207', amount: 990, currency: 'USD' }],
      ['subscription.canceled', { subscriptionId: 'sub_311', endsAt: '2026-12-31', feedback: 'moving to annual billing' }],
      ['invoice.paid', { invoiceId: 'inv_2044', customerId: 'cus_5530', amount: 15000, currency: 'GBP' }],
    ] as const;
    for (const [type, data] of events) {
      const id = (await post('/v1/applications/acme/events', { type, data })).id;
      if (type === 'invoice.paid' && !flakyEvent) flakyEvent = id;
    }
    for (const uid of ['globex', 'initech']) {
      await post(`/v1/applications/${uid}/events/batch`, { events: [{ type: 'customer.created', data: { customerId: 'cus_1', email: 'it@example.com' } }, { type: 'invoice.paid', data: { invoiceId: 'inv_1', amount: 100, currency: 'EUR' } }] });
    }
    // Every delivery settled (succeeded or dead) before any page is captured.
    await waitFor(async () => {
      const list = (await call('GET', `${api}/v1/applications/acme/events?limit=50`, key)).json.data as Array<{ id: string }>;
      if (list.length < events.length) return undefined;
      for (const e of list) {
        const d = (await call('GET', `${api}/v1/applications/acme/events/${e.id}`, key)).json.deliveries as Array<{ status: string }>;
        if (d.length === 0 || d.some((x) => x.status === 'pending' || x.status === 'retrying')) return undefined;
      }
      return true;
    }, { timeoutMs: 60_000, intervalMs: 500, description: 'every delivery of the demo settled' });
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' })).newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await pipeline?.stop();
    for (const r of receivers) await r.close();
    await world?.cleanup();
  });

  it('captures the portal', async () => {
    const session = await post('/v1/applications/acme/portal-sessions', { theme: { name: 'Paystream', primaryColor: '#0b7a75', logoUrl: logo, mode: 'light' } });
    await page.goto(session.url);
    await page.getByTestId('endpoint-row').nth(2).waitFor();
    await shot('portal-endpoints');

    await page.goto(`${api}/portal/#/endpoints/${ep.crm}`);
    await page.getByTestId('success-rate').filter({ hasText: '%' }).waitFor({ timeout: 30_000 });
    await page.getByTestId('event-row').first().waitFor();
    await shot('portal-endpoint-detail');

    await page.goto(`${api}/portal/#/events`);
    await page.getByTestId('event-row').nth(5).waitFor();
    await shot('portal-event-log');

    await page.goto(`${api}/portal/#/events/${flakyEvent}`);
    await page.locator('[data-testid="delivery-row"]').nth(1).waitFor();
    await page.locator(`[data-testid="delivery-row"][data-endpoint-id="${ep.crm}"] [data-testid="attempt-row"]`).first().click();
    await page.getByText('service warming up').first().waitFor();
    await shot('portal-event-detail');

    await page.goto(`${api}/portal/#/event-types`);
    await page.getByTestId('event-type').first().locator('button').click();
    await page.getByTestId('example-payload').waitFor();
    await shot('portal-event-types');

    await page.goto(`${api}/portal/#/endpoints`);
    await page.getByTestId('mode-toggle').click();
    await page.locator('html[data-theme="dark"]').waitFor({ state: 'attached' });
    await page.getByTestId('endpoint-row').nth(2).waitFor();
    await shot('portal-endpoints-dark');
    await page.getByTestId('mode-toggle').click();
  });

  it('captures the console', async () => {
    await page.goto(`${api}/console/`);
    await page.getByTestId('api-key-input').fill(key);
    await page.getByTestId('sign-in-submit').click();
    await page.getByTestId('application-row').nth(3).waitFor();
    await waitFor(async () => (await page.getByTestId('endpoint-count').count()) === (await page.getByTestId('application-row').count()), { description: 'every endpoint count' });
    await shot('console-applications');

    await page.goto(`${api}/console/#/applications/${app.acme}`);
    await page.getByTestId('endpoint-row').nth(2).waitFor();
    await shot('console-application');

    await page.goto(`${api}/console/#/health`);
    await page.getByTestId('health-row').nth(5).waitFor();
    await shot('console-health');
  });

  it('captures the portal on a phone', async () => {
    const session = await post('/v1/applications/acme/portal-sessions', { theme: { name: 'Paystream', primaryColor: '#0b7a75', logoUrl: logo, mode: 'light' } });
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true });
    page = await phone.newPage();
    await page.goto(session.url);
    await page.getByTestId('endpoint-row').nth(2).waitFor();
    await shot('portal-phone');
    await phone.close();
  });
});
