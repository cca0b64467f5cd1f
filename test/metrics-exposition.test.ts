import { execFile } from 'node:child_process';
import { createTestWorld, type TestWorld } from '@hookline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTenant, startPipeline, type Pipeline } from './support/pipeline.ts';

/** Runs `promtool check metrics` (Debian's prometheus package) on an exposition; resolves with its verdict. */
function promtoolCheck(exposition: string): Promise<{ ok: boolean; output: string }> {
  return new Promise((resolve, reject) => {
    const child = execFile('promtool', ['check', 'metrics'], { timeout: 30_000 }, (err, stdout, stderr) => {
      if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') return reject(new Error('promtool is missing: apt-get install prometheus'));
      resolve({ ok: !err, output: `${stdout}${stderr}` });
    });
    child.stdin!.end(exposition);
  });
}

const metricValue = (text: string, series: string) => {
  const line = text.split('\n').find((l) => l.startsWith(series));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : undefined;
};

describe('Prometheus exposition', () => {
  let world: TestWorld;
  let pipeline: Pipeline;

  beforeAll(async () => {
    world = createTestWorld('metrics-exposition');
    pipeline = await startPipeline(world, { services: ['ingest'] });
  });
  afterAll(async () => {
    await pipeline?.stop();
    await world?.cleanup();
  });

  it('ingest counts accepted events and rejections by reason, and passes promtool', async () => {
    const { apiKey } = await createTenant(pipeline.api, world.env.ADMIN_TOKEN!);
    await call('POST', `${pipeline.api}/v1/events`, apiKey, { type: 'a.b', data: {} });
    await call('POST', `${pipeline.api}/v1/events/batch`, apiKey, { events: [{ type: 'a.b', data: {} }, { type: 'a.c', data: {} }] });
    await call('POST', `${pipeline.api}/v1/events`, apiKey, { type: 'bad type', data: {} });
    await call('POST', `${pipeline.api}/v1/events`, apiKey, '{oops', { 'content-type': 'application/json' });

    const res = await call('GET', `${pipeline.api}/metrics`);
    expect(res.status).toBe(200);
    const text = res.json as string;
    expect(metricValue(text, 'hookline_events_accepted_total{service="ingest"}')).toBe(3);
    expect(metricValue(text, 'hookline_events_rejected_total{reason="validation",service="ingest"}')).toBe(1);
    expect(metricValue(text, 'hookline_events_rejected_total{reason="malformed_json",service="ingest"}')).toBe(1);
    expect(text).toMatch(/hookline_http_request_duration_seconds_bucket\{[^}]*route="\/v1\/events"/);
    expect(text).toMatch(/hookline_nodejs_eventloop_lag_seconds/);
    const verdict = await promtoolCheck(text);
    expect(verdict.output).toBe('');
    expect(verdict.ok).toBe(true);
  });
});
