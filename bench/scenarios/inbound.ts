import { request } from 'undici';
import { round } from '../lib/stats.ts';
import { withRig, type Scenario } from './common.ts';

/**
 * Scenario 9 — inbound sources: GitHub webhooks (X-Hub-Signature-256 over the raw body, a new X-GitHub-Delivery
 * each) posted to one source's `/in/<token>` by concurrent keep-alive clients, closed loop; each is verified,
 * recorded in the source's request log, published and answered 202 once Kafka acknowledged it. Inbound requests/s
 * and time to the 2xx answer (p50/p95/p99); then at half that rate, for the latency below saturation.
 */
export const inboundScenario: Scenario = (ctx, infra, sizes) =>
  withRig(ctx, infra, 'inbound', { services: ['ingest'], listeners: 0, endpoints: () => [], lag: [], lagIntervalMs: sizes.lagIntervalMs }, async (rig) => {
    const s = sizes.inbound;
    const secret = 'bench-inbound-secret';
    const res = await request(`${rig.services.api}/v1/sources`, {
      method: 'POST',
      headers: { authorization: `Bearer ${rig.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'bench', provider: 'github', verification: { secret } }),
    });
    const source = (await res.body.json()) as { url?: string };
    if (res.statusCode !== 201 || !source.url) throw new Error(`creating the source answered ${res.statusCode}: ${JSON.stringify(source)}`);
    const inbound = { path: new URL(source.url).pathname, secret };
    const common = { mode: 'single' as const, durationMs: s.durationMs, maxEvents: 10_000_000, types: ['bench'], payloadBytes: sizes.payloadBytes, recordSends: false, inbound };
    rig.windowStart();
    const saturated = await rig.load({ ...common, concurrency: s.concurrency });
    const belowRate = Math.max(10, Math.floor(saturated.eventsPerSecond / 2));
    const below = await rig.load({ ...common, concurrency: s.concurrency, rate: belowRate });
    rig.windowEnd();
    const failed = (r: { failures: Record<string, number> }) => Object.values(r.failures).reduce((a, b) => a + b, 0);
    return {
      metrics: {
        inbound_requests_per_s: round(saturated.eventsPerSecond),
        inbound_p50_ms: saturated.latency.p50,
        inbound_p95_ms: saturated.latency.p95,
        inbound_p99_ms: saturated.latency.p99,
        below_saturation_rate: belowRate,
        below_saturation_p50_ms: below.latency.p50,
        below_saturation_p99_ms: below.latency.p99,
        failed_requests: failed(saturated) + failed(below),
      },
      details: { saturated: { ...saturated, sends: undefined }, belowSaturation: { ...below, sends: undefined } },
    };
  });
