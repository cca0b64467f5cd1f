import { readFileSync } from 'node:fs';
import { createTestWorld, type TestWorld } from '@hookline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startPipeline, type Pipeline } from './support/pipeline.ts';

interface Panel {
  type: string;
  title: string;
  datasource?: { uid: string };
  targets?: Array<{ expr: string; refId: string }>;
  gridPos: { h: number; w: number; x: number; y: number };
}

const dashboard = JSON.parse(readFileSync(new URL('../infra/grafana/dashboards/hookline.json', import.meta.url), 'utf8')) as {
  uid: string;
  title: string;
  panels: Panel[];
};
const datasources = readFileSync(new URL('../infra/grafana/provisioning/datasources/datasources.yml', import.meta.url), 'utf8');

/** Metric names a PromQL expression reads (histogram series reduced to their family). */
const metricsIn = (expr: string) =>
  [...expr.matchAll(/\b(hookline_[a-z0-9_]+)/g)].map((m) => m[1]!.replace(/_(bucket|sum|count)$/, ''));

describe('the Grafana dashboard', () => {
  let world: TestWorld;
  let pipeline: Pipeline;
  let exported: Set<string>;

  beforeAll(async () => {
    world = createTestWorld('dashboard');
    pipeline = await startPipeline(world, { env: { METRICS_ENDPOINT_LABELS: 'true' } });
    exported = new Set();
    for (const port of Object.values(pipeline.ports)) {
      const res = await call('GET', `http://127.0.0.1:${port}/metrics`);
      const text = typeof res.json === 'string' ? res.json : '';
      for (const [, name] of text.matchAll(/^# TYPE (\S+) /gm)) exported.add(name!);
    }
  });
  afterAll(async () => {
    await pipeline?.stop();
    await world?.cleanup();
  });

  it('is a well-formed dashboard whose panels use the provisioned data sources', () => {
    expect(dashboard.uid).toBe('hookline-overview');
    const uids = [...datasources.matchAll(/uid: (\S+)/g)].map((m) => m[1]);
    const queried = dashboard.panels.filter((p) => p.type !== 'row');
    expect(queried.length).toBeGreaterThanOrEqual(10);
    for (const panel of queried) {
      expect(uids, panel.title).toContain(panel.datasource?.uid);
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      expect(panel.gridPos.w + panel.gridPos.x, panel.title).toBeLessThanOrEqual(24);
    }
    expect(new Set(dashboard.panels.map((p) => p.title)).size).toBe(dashboard.panels.length);
  });

  it('queries only metrics the services export, so it cannot drift', () => {
    const queried = new Set(dashboard.panels.flatMap((p) => p.targets ?? []).flatMap((t) => metricsIn(t.expr)));
    expect(queried.size).toBeGreaterThan(10);
    const missing = [...queried].filter((name) => !exported.has(name));
    expect(missing).toEqual([]);
  });

  it('covers throughput, success rate, latency, lag, retries, dead letters, breakers and failing endpoints', () => {
    const exprs = dashboard.panels.flatMap((p) => p.targets ?? []).map((t) => t.expr).join('\n');
    for (const needle of ['hookline_delivery_attempts_total', 'hookline_delivery_latency_seconds_bucket', 'hookline_consumer_lag', 'deliver\\\\.retry', 'hookline_dead_letters_total', 'hookline_circuit_breakers', 'hookline_endpoint_delivery_attempts_total']) {
      expect(exprs).toContain(needle);
    }
    const failing = dashboard.panels.find((p) => p.title === 'Top failing endpoints') as unknown as { fieldConfig: { defaults: { links: Array<{ url: string }> } } };
    expect(failing.fieldConfig.defaults.links[0]!.url).toMatch(/jaeger.*hookline\.endpoint_id/);
  });
});
