import { waitFor, type Receiver } from '@hookline/testing';
import { call, createTenant } from './pipeline.ts';
import type { PromApi } from './test-prometheus.ts';

/** What {@link driveDashboardLoad} sent and what the dashboard must therefore show. */
export interface DrivenLoad {
  /** Events the API accepted. */
  accepted: number;
  /** Publish requests it rejected (one invalid body). */
  rejected: number;
  /** Attempts that succeeded, and those that did not (HTTP 500s). */
  succeeded: number;
  failed: number;
  deadLetters: number;
  /** The endpoint that always fails (its breaker ends open), and the one that fails once. */
  deadEndpointId: string;
  flakyEndpointId: string;
}

/**
 * The dispatcher settings that make the load below exercise every panel: two retries 3 s apart (the retry tier's
 * backlog is visible to a 1 s scrape), a breaker that opens after 3 failures and stays open, per-endpoint labels.
 */
export const DASHBOARD_ENV = {
  METRICS_ENDPOINT_LABELS: 'true',
  RETRY_SCHEDULE: '3s,3s',
  CIRCUIT_VOLUME_THRESHOLD: '3',
  CIRCUIT_RESET_TIMEOUT: '10m',
};

/**
 * Load for the dashboard through the API: `okEvents` events to an endpoint that answers 200 (one, then
 * `beforeBurst`, then the rest), one to an endpoint
 * that fails once (a retry, then success), one to an endpoint that always answers 500 (three failed attempts, a
 * dead letter, an open breaker) and one invalid publish (a rejection). Resolves when every webhook has arrived
 * and the dead letter is listed.
 */
export async function driveDashboardLoad(
  api: string,
  adminToken: string,
  receiver: Receiver,
  opts: { okEvents?: number; beforeBurst?: (tenantId: string) => Promise<void> } = {},
): Promise<DrivenLoad> {
  const okEvents = opts.okEvents ?? 20;
  const flakySeen = new Set<string>();
  receiver.respondWith((req) => {
    if (req.path === '/dead') return { status: 500, body: 'down' };
    if (req.path === '/flaky' && !flakySeen.has(req.path)) {
      flakySeen.add(req.path);
      return { status: 500, body: 'once' };
    }
    return { status: 200 };
  });
  const tenant = async (name: string, path: string) => {
    const { id, apiKey } = await createTenant(api, adminToken, name);
    const endpoint = await call('POST', `${api}/v1/endpoints`, apiKey, { url: receiver.url(path) });
    if (endpoint.status !== 201) throw new Error(`creating an endpoint answered ${endpoint.status}`);
    return { tenantId: id, apiKey, endpointId: endpoint.json.id as string };
  };
  const ok = await tenant('ok', '/ok');
  const flaky = await tenant('flaky', '/flaky');
  const dead = await tenant('dead', '/dead');
  const publish = async (apiKey: string, n: number) => {
    const res = await call('POST', `${api}/v1/events`, apiKey, { type: 'order.created', data: { n } });
    if (res.status !== 202) throw new Error(`publishing answered ${res.status}: ${JSON.stringify(res.json)}`);
  };
  // One event first: a scraper that has seen its counters at 1 counts the whole burst in rate() and increase().
  await publish(ok.apiKey, 0);
  await receiver.waitForRequests(1, { match: (r) => r.path === '/ok' });
  await opts.beforeBurst?.(ok.tenantId);
  for (let i = 1; i < okEvents; i++) await publish(ok.apiKey, i);
  await publish(flaky.apiKey, 0);
  await publish(dead.apiKey, 0);
  const invalid = await call('POST', `${api}/v1/events`, ok.apiKey, { data: {} });
  if (invalid.status !== 400 && invalid.status !== 422) throw new Error(`an event without a type answered ${invalid.status}`);

  await receiver.waitForRequests(okEvents, { match: (r) => r.path === '/ok' });
  await receiver.waitForRequests(2, { match: (r) => r.path === '/flaky' });
  await receiver.waitForRequests(3, { match: (r) => r.path === '/dead', timeoutMs: 60_000 });
  await waitFor(async () => ((await call('GET', `${api}/v1/dead-letters`, dead.apiKey)).json?.data?.length ?? 0) >= 1, {
    timeoutMs: 30_000,
    description: 'the dead letter listed',
  });
  return { accepted: okEvents + 2, rejected: 1, succeeded: okEvents + 1, failed: 1 + 3, deadLetters: 1, deadEndpointId: dead.endpointId, flakyEndpointId: flaky.endpointId };
}

/**
 * Waits until Prometheus has scraped the first delivery's `{outcome="succeeded", tenant_id}` series at 1: a
 * labelled counter that Prometheus first sees at N has no increase for those N in rate() or increase().
 */
export async function firstDeliveryScraped(prom: PromApi, tenantId: string): Promise<void> {
  await waitFor(async () => (await prom.total(`sum(hookline_delivery_attempts_total{outcome="succeeded",tenant_id="${tenantId}"})`)) === 1, {
    timeoutMs: 15_000,
    intervalMs: 250,
    description: 'Prometheus has scraped the first delivery',
  });
}
