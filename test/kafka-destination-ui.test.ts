import { randomBytes } from 'node:crypto';
import { createTestWorld, type TestWorld } from '@hookline/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './support/browser.ts';
import { call, createTenant, startPipeline, type Pipeline } from './support/pipeline.ts';
import { TestCa } from './support/test-ca.ts';

/**
 * The endpoint form's Destination choice in a real browser (portal and console share the form): a Kafka endpoint is
 * created with its brokers, topic, key and SASL; the API then shows the destination without the password.
 */
describe('Kafka destinations in the portal', () => {
  let world: TestWorld;
  let pipeline: Pipeline;
  let browser: Browser;
  let page: Page;
  let api: string;
  let key: string;
  let app: { id: string; uid: string };
  const run = randomBytes(3).toString('hex');

  beforeAll(async () => {
    world = createTestWorld('kafka-destination-ui');
    pipeline = await startPipeline(world, { services: ['ingest'] });
    api = pipeline.api;
    key = (await createTenant(api, world.env.ADMIN_TOKEN!, 'kafka-ui')).apiKey;
    app = (await call('POST', `${api}/v1/applications`, key, { name: 'Acme', uid: `acme-${run}` })).json;
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await pipeline?.stop();
    await world?.cleanup();
  });

  it('creates a Kafka endpoint: a server problem is shown with its path, the saved destination never shows the password', { timeout: 60_000 }, async () => {
    const session = (await call('POST', `${api}/v1/applications/${app.id}/portal-sessions`, key, {})).json;
    await page.goto(session.url);
    await page.getByTestId('add-endpoint').first().click();
    await page.getByTestId('endpoint-type-kafka').check();
    expect(await page.getByTestId('endpoint-url-input').count()).toBe(0);
    await page.getByTestId('kafka-servers-input').fill('127.0.0.1:9092, 127.0.0.1:9093');
    await page.getByTestId('kafka-topic-input').fill('bad topic');
    await page.getByTestId('save-endpoint').click();
    await page.getByTestId('error').filter({ hasText: 'kafka.topic' }).waitFor();

    await page.getByTestId('kafka-topic-input').fill('acme-webhooks');
    await page.getByTestId('kafka-key-input').fill('customer.id');
    await page.getByTestId('kafka-sasl-select').selectOption('scram-sha-256');
    await page.getByLabel('SASL username').fill('acme');
    await page.getByLabel('SASL password').fill('ui-secret-Pw9');
    await page.getByTestId('kafka-tls-check').check();
    await page.getByTestId('save-endpoint').click();
    await page.getByTestId('endpoint-detail').waitFor();
    await page.getByTestId('endpoint-url').filter({ hasText: 'kafka://127.0.0.1:9092/acme-webhooks' }).waitFor();
    const list = (await call('GET', `${api}/v1/applications/${app.id}/endpoints`, key)).json;
    expect(list.data).toEqual([expect.objectContaining({
      type: 'kafka',
      kafka: { bootstrapServers: ['127.0.0.1:9092', '127.0.0.1:9093'], topic: 'acme-webhooks', key: 'customer.id', sasl: { mechanism: 'scram-sha-256', username: 'acme' }, tls: true },
    })]);
    expect(JSON.stringify(list)).not.toContain('ui-secret-Pw9');
  });

  it('sets TLS details (CA, client certificate and key, verification) and keeps a saved CA when the endpoint is edited', { timeout: 60_000 }, async () => {
    const ca = new TestCa();
    try {
      const client = ca.client('acme');
      const session = (await call('POST', `${api}/v1/applications/${app.id}/portal-sessions`, key, {})).json;
      await page.goto(session.url);
      await page.getByTestId('add-endpoint').first().click();
      await page.getByTestId('endpoint-type-kafka').check();
      await page.getByTestId('kafka-servers-input').fill('127.0.0.1:9094');
      await page.getByTestId('kafka-topic-input').fill('acme-tls');
      expect(await page.getByTestId('kafka-tls-fields').count()).toBe(0);
      await page.getByTestId('kafka-tls-check').check();
      await page.getByTestId('kafka-tls-ca').fill(ca.caPem);
      await page.getByTestId('kafka-tls-cert').fill(client.certificatePem);
      await page.getByTestId('kafka-tls-key').fill(client.keyPem);
      await page.getByTestId('save-endpoint').click();
      await page.getByTestId('endpoint-url').filter({ hasText: 'kafka://127.0.0.1:9094/acme-tls' }).waitFor();
      const id = await page.getByTestId('endpoint-detail').getAttribute('data-id');
      const saved = (await call('GET', `${api}/v1/applications/${app.id}/endpoints/${id}`, key)).json;
      expect(saved.kafka.tls).toEqual({ ca: ca.caPem.trim(), cert: client.certificatePem.trim(), hasClientKey: true });
      expect(JSON.stringify(saved)).not.toContain(client.keyPem.split('\n')[1]);

      // Edited: the saved CA and certificate are in the form, the key is asked for again; a new topic keeps the CA.
      await page.getByTestId('edit-endpoint').click();
      expect((await page.getByTestId('kafka-tls-ca').inputValue()).trim()).toBe(ca.caPem.trim());
      expect(await page.getByTestId('kafka-tls-key').inputValue()).toBe('');
      await page.getByTestId('kafka-topic-input').fill('acme-tls-2');
      await page.getByTestId('kafka-tls-key').fill(client.keyPem);
      await page.getByTestId('kafka-tls-verify').uncheck();
      await page.getByTestId('save-endpoint').click();
      await page.getByTestId('endpoint-url').filter({ hasText: 'kafka://127.0.0.1:9094/acme-tls-2' }).waitFor();
      const edited = (await call('GET', `${api}/v1/applications/${app.id}/endpoints/${id}`, key)).json;
      expect(edited.kafka.tls).toEqual({ ca: ca.caPem.trim(), cert: client.certificatePem.trim(), rejectUnauthorized: false, hasClientKey: true });
    } finally {
      ca.dispose();
    }
  });
});
