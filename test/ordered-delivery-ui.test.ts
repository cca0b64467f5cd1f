import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from './support/pipeline.ts';
import { startPortalRig, type PortalRig } from './support/portal-rig.ts';

/**
 * The endpoint form's Order settings in a real browser (portal and console share the form): an endpoint is created
 * with ordered delivery per key and `block` on dead events, its page says so, and editing can turn ordering off.
 */
describe('ordered delivery in the portal', () => {
  let rig: PortalRig;

  beforeAll(async () => {
    rig = await startPortalRig('ordered-delivery-ui', { services: ['ingest'] });
  });
  afterAll(async () => {
    await rig?.close();
  });

  it('creates an endpoint ordered per key that blocks on dead events, shows it, and turns ordering off', { timeout: 60_000 }, async () => {
    const { api, key, app, page } = rig;
    const session = (await call('POST', `${api}/v1/applications/${app.id}/portal-sessions`, key, {})).json;
    await page.goto(session.url);
    await page.getByTestId('add-endpoint').first().click();
    await page.getByTestId('endpoint-url-input').fill('https://orders.example.com/hooks');
    expect(await page.getByTestId('ordering-on-dead-block').count()).toBe(0);
    await page.getByTestId('endpoint-ordering-key').check();
    await page.getByTestId('ordering-on-dead-block').check();
    await page.getByTestId('save-endpoint').click();
    await page.getByTestId('endpoint-detail').waitFor();
    const id = await page.getByTestId('endpoint-detail').getAttribute('data-id');
    expect(await page.getByTestId('endpoint-ordering-summary').textContent()).toContain('stops its key until it is redriven');
    expect((await call('GET', `${api}/v1/applications/${app.id}/endpoints/${id}`, key)).json).toMatchObject({ ordering: 'key', orderingOnDead: 'block' });

    await page.getByTestId('edit-endpoint').click();
    expect(await page.getByTestId('endpoint-ordering-key').isChecked()).toBe(true);
    await page.getByTestId('endpoint-ordering-key').uncheck();
    await page.getByTestId('save-endpoint').click();
    await page.getByTestId('endpoint-ordering-summary').filter({ hasText: 'delivered concurrently' }).waitFor();
    expect((await call('GET', `${api}/v1/applications/${app.id}/endpoints/${id}`, key)).json).toMatchObject({ ordering: null });
  });
});
