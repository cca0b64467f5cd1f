import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestWorld, Receiver, waitFor, type TestWorld } from '@hookline/testing';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceTargets } from '../infra/prometheus/config.ts';
import { launchChromium } from './support/browser.ts';
import { DASHBOARD_ENV, driveDashboardLoad, firstDeliveryScraped } from './support/dashboard-load.ts';
import { JaegerQuery } from './support/jaeger-query.ts';
import { dashboardQueriesHtml, traceTimelineHtml, type EvaluatedQuery } from './support/observability-render.ts';
import { OtelReceiver } from './support/otel-receiver.ts';
import { call, createTenant } from './support/pipeline.ts';
import { startServiceProcesses, type ServiceProcesses } from './support/service-processes.ts';
import { jaegerUnavailable, startTestJaeger } from './support/test-jaeger.ts';
import { prometheusUnavailable, startTestPrometheus } from './support/test-prometheus.ts';

/**
 * `npm run screenshots:observability`: docs/screenshots/jaeger-trace.png (one event's trace, read from Jaeger's
 * query API and drawn as a timeline: a Jaeger built from the Go module has no UI assets) and
 * docs/screenshots/dashboard-queries.png (every Grafana dashboard query as Prometheus answers it after load).
 * Skipped by `npm test`.
 */
const enabled = process.env.HOOKLINE_SCREENSHOTS === 'true';
const outDir = fileURLToPath(new URL('../docs/screenshots/', import.meta.url));
const dashboard = JSON.parse(readFileSync(new URL('../infra/grafana/dashboards/hookline.json', import.meta.url), 'utf8')) as {
  panels: Array<{ title: string; targets?: Array<{ expr: string; refId: string; legendFormat?: string }> }>;
};
const legend = (format: string | undefined, metric: Record<string, string>) =>
  (format ?? '').replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) => metric[name] ?? '') || Object.values(metric).join(' ') || 'value';

describe.skipIf(!enabled || jaegerUnavailable() || prometheusUnavailable())('Screenshots of Jaeger and the dashboard queries (docs/screenshots)', () => {
  let world: TestWorld;
  let jaeger: Awaited<ReturnType<typeof startTestJaeger>>;
  let prometheus: Awaited<ReturnType<typeof startTestPrometheus>>;
  let services: ServiceProcesses;
  let traced: OtelReceiver;
  let plain: Receiver;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(outDir, { recursive: true });
    world = createTestWorld('observability-screenshots');
    jaeger = await startTestJaeger();
    traced = await OtelReceiver.start(jaeger.otlpHttp);
    plain = await Receiver.start();
    services = await startServiceProcesses(world, {
      ...DASHBOARD_ENV,
      OTEL_SDK_DISABLED: 'false',
      OTEL_EXPORTER_OTLP_ENDPOINT: jaeger.otlpHttp,
      OTEL_TRACES_SAMPLER: 'parentbased_always_on',
      OTEL_BSP_SCHEDULE_DELAY: '200',
      RETRY_SCHEDULE: '1s,3s',
    });
    prometheus = await startTestPrometheus(serviceTargets(services.ports));
    browser = await launchChromium();
  }, 900_000);
  afterAll(async () => {
    await browser?.close();
    await prometheus?.stop();
    await services?.stop();
    await traced?.close();
    await plain?.close();
    await jaeger?.stop();
    await world?.cleanup();
  });

  it('jaeger-trace.png: one event, its retry and the receiver, from Jaeger', async () => {
    const { apiKey } = await createTenant(services.api, world.env.ADMIN_TOKEN!, 'acme');
    traced.failOnce('/webhooks/orders');
    await call('POST', `${services.api}/v1/endpoints`, apiKey, { url: traced.url('/webhooks/orders') });
    expect((await call('POST', `${services.api}/v1/events`, apiKey, { type: 'order.shipped', data: { orderId: 'o_1042' } })).status).toBe(202);
    const requests = await waitFor(() => (traced.requests.length >= 2 ? traced.requests : undefined), { timeoutMs: 30_000, description: 'both attempts' });
    const traceId = requests[0]!.traceId;
    const query = new JaegerQuery(jaeger.ui);
    const spans = await waitFor(async () => {
      const s = await query.trace(traceId);
      return s.length >= 13 ? s : undefined;
    }, { timeoutMs: 30_000, description: 'the trace complete in Jaeger' });
    const page = await browser.newPage({ viewport: { width: 1280, height: 560 } });
    await page.setContent(traceTimelineHtml(traceId, spans, `GET /api/traces/${traceId}`));
    const file = join(outDir, 'jaeger-trace.png');
    await page.screenshot({ path: file, fullPage: true });
    await page.close();
    expect(statSync(file).size).toBeGreaterThan(10_000);
  });

  it('dashboard-queries.png: every query of the Grafana dashboard, answered by Prometheus', async () => {
    const started = Date.now() / 1000;
    const prom = prometheus.api;
    const driven = await driveDashboardLoad(services.api, world.env.ADMIN_TOKEN!, plain, { beforeBurst: (tenantId) => firstDeliveryScraped(prom, tenantId) });
    await waitFor(async () => (await prom.total('sum(hookline_dead_letters_total)')) === driven.deadLetters && (await prom.total('sum(hookline_consumer_lag)')) === 0, {
      timeoutMs: 60_000,
      intervalMs: 500,
      description: 'Prometheus settled',
    });
    const now = Date.now() / 1000;
    const evaluated: EvaluatedQuery[] = [];
    for (const panel of dashboard.panels) {
      for (const t of panel.targets ?? []) {
        const instant = await prom.query(t.expr, now);
        const range = await prom.queryRange(t.expr, started - 10, now, 1);
        evaluated.push({
          panel: panel.title,
          refId: t.refId,
          expr: t.expr,
          series: instant.map((s) => ({
            label: legend(t.legendFormat, s.metric),
            value: s.value,
            points: range.find((r) => JSON.stringify(r.metric) === JSON.stringify(s.metric))?.points ?? [],
          })),
        });
      }
    }
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.setContent(dashboardQueriesHtml(evaluated, 'Prometheus /api/v1/query and /api/v1/query_range'));
    const file = join(outDir, 'dashboard-queries.png');
    await page.screenshot({ path: file, fullPage: true });
    await page.close();
    expect(statSync(file).size).toBeGreaterThan(10_000);
  });
});
