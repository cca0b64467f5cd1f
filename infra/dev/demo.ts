import { createServer, type Server } from 'node:http';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** What `npm start` keeps of the demo tenant between runs (its API key is shown by the API once). */
interface DemoState {
  tenantId: string;
  apiKey: string;
}

/** The demo a newcomer opens from the first screen. */
export interface Demo {
  apiKey: string;
  applicationUid: string;
  portalUrl: string;
  consoleUrl: string;
}

export const DEMO_APPLICATION_UID = 'demo-customer';

async function api(method: string, url: string, token: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

function readState(file: string): DemoState | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as DemoState;
  } catch {
    return undefined;
  }
}

/**
 * A webhook receiver for the demo endpoint, on loopback: it answers 200 to everything, so the demo application's
 * event log fills with real deliveries and attempts.
 */
export async function startDemoReceiver(port: number): Promise<Server> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}'));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  server.unref();
  return server;
}

/**
 * Makes sure a demo tenant with a demo application (uid `demo-customer`) exists — with an endpoint at the demo
 * receiver, a few event types and events the first time — and opens a 24-hour portal session into it. Idempotent
 * across restarts: the tenant's key is kept in `stateFile` (mode 600).
 */
export async function seedDemo(opts: { apiUrl: string; adminToken: string; stateFile: string; receiverUrl: string }): Promise<Demo> {
  const { apiUrl, adminToken, stateFile } = opts;
  let state = readState(stateFile);
  if (state && (await api('GET', `${apiUrl}/v1/applications?limit=1`, state.apiKey)).status === 401) state = undefined;
  if (!state) {
    const tenant = await api('POST', `${apiUrl}/v1/tenants`, adminToken, { name: 'Demo sender' });
    if (tenant.status !== 201) throw new Error(`creating the demo tenant answered ${tenant.status}`);
    state = { tenantId: tenant.json.id, apiKey: tenant.json.apiKey };
    mkdirSync(dirname(stateFile), { recursive: true });
    writeFileSync(stateFile, JSON.stringify(state, null, 2), { mode: 0o600 });
  }
  const key = state.apiKey;
  const app = `${apiUrl}/v1/applications/${DEMO_APPLICATION_UID}`;
  if ((await api('GET', app, key)).status === 404) {
    await api('POST', `${apiUrl}/v1/applications`, key, { name: 'Demo customer', uid: DEMO_APPLICATION_UID, metadata: { plan: 'demo' } });
    for (const [name, description, schema] of [
      ['invoice.paid', 'An invoice was paid in full', { type: 'object', required: ['invoiceId', 'amount'], properties: { invoiceId: { type: 'string' }, amount: { type: 'integer', minimum: 0 }, currency: { type: 'string', enum: ['EUR', 'USD'] } } }],
      ['customer.created', 'A customer signed up', { type: 'object', required: ['customerId'], properties: { customerId: { type: 'string' }, email: { type: 'string', format: 'email' } } }],
    ] as const) {
      await api('PUT', `${apiUrl}/v1/event-types/${name}`, key, { description, schema });
    }
    await api('POST', `${app}/endpoints`, key, { url: opts.receiverUrl, description: 'Demo receiver on this machine (answers 200)' });
    await api('POST', `${app}/events/batch`, key, {
      events: [
        { type: 'customer.created', data: { customerId: 'cus_1001', email: 'ada@example.com' } },
        { type: 'invoice.paid', data: { invoiceId: 'inv_2001', amount: 4200, currency: 'EUR' } },
        { type: 'invoice.paid', data: { invoiceId: 'inv_2002', amount: 990, currency: 'USD' } },
      ],
    });
  }
  const session = await api('POST', `${app}/portal-sessions`, key, { expiresIn: 86_400, theme: { name: 'Demo sender', primaryColor: '#4f46e5' } });
  if (session.status !== 201) throw new Error(`creating the demo portal session answered ${session.status}`);
  return { apiKey: key, applicationUid: DEMO_APPLICATION_UID, portalUrl: session.json.url, consoleUrl: `${apiUrl}/console/` };
}
