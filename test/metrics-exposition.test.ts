import { execFile } from 'node:child_process';
import { createTestWorld, Receiver, waitFor, type TestWorld } from '@hookline/testing';
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
    pipeline = await startPipeline(world, { env: { METRICS_ENDPOINT_LABELS: 'true' } });
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

  it('dispatcher and tracker count what they did, and pass promtool', async () => {
    const { apiKey } = await createTenant(pipeline.api, world.env.ADMIN_TOKEN!);
    const receiver = await Receiver.start();
    try {
      await call('POST', `${pipeline.api}/v1/endpoints`, apiKey, { url: receiver.url() });
      await waitFor(async () => {
        await call('POST', `${pipeline.api}/v1/events`, apiKey, { type: 'm.t', data: {} });
        return receiver.requests.length > 0;
      }, { intervalMs: 300, description: 'a delivery' });
      const scrape = async (service: 'dispatcher' | 'tracker') => (await call('GET', `http://127.0.0.1:${pipeline.ports[service]}/metrics`)).json as string;
      const dispatcher = await waitFor(async () => {
        const text = await scrape('dispatcher');
        return (metricValue(text, 'hookline_delivery_attempts_total{outcome="succeeded"') ?? 0) >= 1 ? text : undefined;
      });
      expect(dispatcher).toMatch(/hookline_endpoint_delivery_attempts_total\{outcome="succeeded",endpoint_id="ep_/);
      expect(dispatcher).toMatch(/hookline_delivery_latency_seconds_count\{service="dispatcher"\} [1-9]/);
      expect(dispatcher).toMatch(/hookline_consumer_lag\{group="[^"]+\.fanout",topic="[^"]+\.events",partition="0",service="dispatcher"\}/);
      const tracker = await waitFor(async () => {
        const text = await scrape('tracker');
        return (metricValue(text, 'hookline_tracker_rows_written_total{table="attempts"') ?? 0) >= 1 ? text : undefined;
      });
      expect(tracker).toMatch(/hookline_tracker_batch_duration_seconds_bucket/);
      for (const text of [dispatcher, tracker]) {
        const verdict = await promtoolCheck(text);
        expect(verdict.output).toBe('');
        expect(verdict.ok).toBe(true);
      }
    } finally {
      await receiver.close();
    }
  });
});
