import { readFileSync } from 'node:fs';
import { createTestWorld, Receiver, waitFor, type TestWorld } from '@hookline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceTargets } from '../infra/prometheus/config.ts';
import { DASHBOARD_ENV, driveDashboardLoad, firstDeliveryScraped, type DrivenLoad } from './support/dashboard-load.ts';
import { startPipeline, type Pipeline } from './support/pipeline.ts';
import { prometheusUnavailable, startTestPrometheus, type PromApi, type Sample } from './support/test-prometheus.ts';

/**
 * Every query of the Grafana dashboard, evaluated by a real Prometheus (Debian's server) that scrapes the three
 * services every second while load runs through them: each parses, returns data, and agrees with what was driven.
 */
interface Panel {
  type: string;
  title: string;
  targets?: Array<{ expr: string; refId: string }>;
}
const dashboard = JSON.parse(readFileSync(new URL('../infra/grafana/dashboards/hookline.json', import.meta.url), 'utf8')) as { panels: Panel[] };
const queries = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, refId: t.refId, expr: t.expr })));
const exprOf = (panel: string, refId = 'A') => queries.find((q) => q.panel === panel && q.refId === refId)!.expr;

describe.skipIf(prometheusUnavailable())('the Grafana dashboard through Prometheus', () => {
  let world: TestWorld;
  let pipeline: Pipeline;
  let receiver: Receiver;
  let prometheus: Awaited<ReturnType<typeof startTestPrometheus>>;
  let prom: PromApi;
  let driven: DrivenLoad;
  const answers = new Map<string, Sample[]>();

  beforeAll(async () => {
    world = createTestWorld('prometheus-dashboard');
    receiver = await Receiver.start();
    pipeline = await startPipeline(world, { env: DASHBOARD_ENV });
    prometheus = await startTestPrometheus(serviceTargets(pipeline.ports as { ingest: number; dispatcher: number; tracker: number }));
    prom = prometheus.api;
    driven = await driveDashboardLoad(pipeline.api, world.env.ADMIN_TOKEN!, receiver, { beforeBurst: (tenantId) => firstDeliveryScraped(prom, tenantId) });
    // Settled: Prometheus has scraped the final counters and every consumer group has caught up.
    await waitFor(async () =>
      (await prom.total('sum(hookline_dead_letters_total)')) === driven.deadLetters &&
      (await prom.total('sum(hookline_delivery_attempts_total{outcome="succeeded"})')) === driven.succeeded &&
      (await prom.query('hookline_consumer_lag')).length > 0 &&
      (await prom.total('sum(hookline_consumer_lag)')) === 0, { timeoutMs: 60_000, intervalMs: 500, description: 'Prometheus settled on the driven figures' });
    for (const q of queries) answers.set(`${q.panel}/${q.refId}`, await prom.query(q.expr));
  }, 240_000);
  afterAll(async () => {
    await prometheus?.stop();
    await pipeline?.stop();
    await receiver?.close();
    await world?.cleanup();
  });

  it(`evaluates all ${queries.length} queries: each parses and returns a finite figure`, () => {
    expect(queries.length).toBeGreaterThanOrEqual(20);
    // Each query has at least one finite value. A series can still be NaN, as Grafana would draw a gap: a
    // percentile by route of a route Prometheus saw only once in the window (its rate is 0/0).
    const blank = queries.filter((q) => !answers.get(`${q.panel}/${q.refId}`)!.some((s) => Number.isFinite(s.value))).map((q) => `${q.panel} ${q.refId}: ${q.expr}`);
    expect(blank).toEqual([]);
    const nan = queries.flatMap((q) => answers.get(`${q.panel}/${q.refId}`)!.filter((s) => !Number.isFinite(s.value)).map((s) => `${q.panel} ${q.refId} ${JSON.stringify(s.metric)}`));
    if (nan.length > 0) console.log(`series without a figure (NaN):\n  ${nan.join('\n  ')}`);
  });

  it('agrees with the load: accepted, delivered, failed, rejected', async () => {
    expect(await prom.total('sum(hookline_events_accepted_total)')).toBe(driven.accepted);
    expect(await prom.total('sum(hookline_delivery_attempts_total{outcome="succeeded"})')).toBe(driven.succeeded);
    expect(await prom.total('sum(hookline_delivery_attempts_total{outcome!="succeeded"})')).toBe(driven.failed);
    expect(await prom.total('sum(hookline_events_rejected_total)')).toBe(driven.rejected);
    // The rate panels are the same counters per second: over the test's window they add up to the counts
    // (increase() extrapolates to the window's edges: within 10 %).
    const window = `${Math.ceil(process.uptime()) + 60}s`;
    const delivered = await prom.total(exprOf('Throughput', 'B').replace('rate(', 'increase(').replace('[1m]', `[${window}]`));
    expect(delivered).toBeGreaterThan(driven.succeeded * 0.9);
    expect(delivered).toBeLessThan(driven.succeeded * 1.1);
    const failures = answers.get('Failures by outcome/A')!;
    expect(failures.length).toBeGreaterThan(0);
    expect(answers.get('API rejections by reason/A')!.map((s) => s.metric.reason)).toHaveLength(1);
    // rate() cannot count a labelled counter's first increments (the {outcome="failed", tenant_id} series are
    // born at 1), so the panel reads a little above the true share: between it and 1.
    const successRate = answers.get('Success rate/A')![0]!.value;
    expect(successRate).toBeGreaterThanOrEqual(driven.succeeded / (driven.succeeded + driven.failed) - 0.01);
    expect(successRate).toBeLessThan(1);
  });

  it('agrees on dead letters, open breakers and the failing endpoints', () => {
    expect(Math.round(answers.get('Dead letters/A')![0]!.value)).toBe(driven.deadLetters);
    expect(answers.get('Breakers open/A')![0]!.value).toBe(1);
    expect(answers.get('Breakers open/B')![0]!.value).toBe(0);
    expect(answers.get('Endpoints with an open breaker/A')!.map((s) => [s.metric.endpoint_id, s.value])).toEqual([[driven.deadEndpointId, 1]]);
    const failing = answers.get('Top failing endpoints/A')!.map((s) => s.metric.endpoint_id);
    expect(new Set(failing)).toEqual(new Set([driven.deadEndpointId, driven.flakyEndpointId]));
  });

  it('saw the retry tier\'s backlog, and every lag back to 0', async () => {
    const backlog = exprOf('Retry backlog by tier');
    expect(answers.get('Retry backlog by tier/A')!.length).toBeGreaterThan(0);
    expect(await prom.total(`max_over_time((sum(${backlog}))[10m:1s])`)).toBeGreaterThanOrEqual(1);
    expect(answers.get('Consumer lag/A')!.every((s) => s.value === 0)).toBe(true);
    const groups = new Set(answers.get('Consumer lag/A')!.map((s) => s.metric.group));
    for (const g of [world.groups.fanout, world.groups.deliver, world.groups.deliverRetry, world.groups.tracker]) expect(groups, g).toContain(g);
  });

  it('shows the tracker\'s writes and the runtime of each service', () => {
    expect(answers.get('Rows written/A')!.length).toBeGreaterThan(0);
    for (const panel of ['Event loop lag', 'Resident memory', 'Heap used']) {
      expect(new Set(answers.get(`${panel}/A`)!.map((s) => s.metric.service)), panel).toEqual(new Set(['ingest', 'dispatcher', 'tracker']));
    }
  });
});
