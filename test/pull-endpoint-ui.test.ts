import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from './support/pipeline.ts';
import { startPortalRig, type PortalRig } from './support/portal-rig.ts';

/**
 * The endpoint form's Pull destination in a real browser (portal and console share the form): a pull endpoint is
 * created without a URL; its page says how its consumer reads the messages; editing keeps it a pull endpoint.
 */
describe('pull endpoints in the portal', () => {
  let rig: PortalRig;

  beforeAll(async () => {
    rig = await startPortalRig('pull-endpoint-ui', { services: ['ingest'] });
  });
  afterAll(async () => {
    await rig?.close();
  });

  it('creates a pull endpoint without a URL, shows how to read it, and keeps it a pull endpoint when edited', { timeout: 60_000 }, async () => {
    const { api, key, app, page } = rig;
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
    // Signed at each read: the note says so (a consumer reading late need not widen its library's tolerance).
    expect(await note.textContent()).toContain('webhook-timestamp is the time of the read');

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
