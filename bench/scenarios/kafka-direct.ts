import { setTimeout as sleep } from 'node:timers/promises';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import type { Message } from 'kafkajs';
import { startSchemaRegistry, stopSchemaRegistry } from '../../infra/schema-registry/launcher.ts';
import { abortController } from '../lib/children.ts';
import type { Rig } from '../lib/rig.ts';
import type { BenchContext } from '../lib/services.ts';
import { round } from '../lib/stats.ts';
import { ENDPOINT_TYPES, type Sizes } from '../sizes.ts';
import { PIPELINE_LAG, prime, withRig, type Measured, type Scenario, tenEndpoints } from './common.ts';


/** The Avro record of scenario 8: the same `{n, pad}` data as the loadgen's JSON events, so webhooks are alike. */
const BENCH_AVRO = { type: 'record', name: 'BenchEvent', namespace: 'hookline.bench', fields: [{ name: 'n', type: 'long' }, { name: 'pad', type: 'string' }] };

/** One record of the stream: its index decides the event type (endpoint i gets `bench.e<i>`). */
type Encode = (n: number, type: string) => Promise<Message>;

/**
 * Produces straight to the events topic for warm-up + window: at most `direct.rate` records/s and at most
 * `direct.maxAhead` ahead of what the receiver got (saturating without a backlog that outlives the run), then counts
 * deliveries/s inside the window.
 */
async function offer(rig: Rig, sizes: Sizes, encode: Encode): Promise<Measured> {
  const d = sizes.direct;
  const producer = rig.world.kafka.producer();
  await producer.connect();
  try {
    const base = (await rig.counts()).total;
    const started = Date.now();
    const windowAt = started + d.warmupMs;
    const endAt = windowAt + d.durationMs;
    let produced = 0;
    let producedAtWindow = 0;
    let c0: Awaited<ReturnType<Rig['counts']>> | undefined;
    while (Date.now() < endAt && !abortController.signal.aborted) {
      const now = Date.now();
      if (!c0 && now >= windowAt) {
        c0 = await rig.counts();
        producedAtWindow = produced;
        rig.windowStart();
      }
      const got = (await rig.counts()).total - base;
      const allowed = Math.min(Math.floor((d.rate * (now - started)) / 1000) - produced, d.maxAhead - (produced - got));
      for (let sent = 0; sent < allowed; ) {
        const n = Math.min(500, allowed - sent);
        const messages = await Promise.all(Array.from({ length: n }, (_, i) => encode(produced + sent + i, ENDPOINT_TYPES[(produced + sent + i) % ENDPOINT_TYPES.length]!)));
        await producer.send({ topic: rig.world.prefix + '.events', messages });
        sent += n;
      }
      produced += Math.max(0, allowed);
      await sleep(100);
    }
    const c1 = await rig.counts();
    rig.windowEnd();
    const start = c0 ?? c1;
    const seconds = Math.max(0.001, (c1.at - start.at) / 1000);
    const deliveriesPerSecond = (c1.total - start.total) / seconds;
    const backlog = rig.latestLag().reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0);
    return {
      metrics: {
        deliveries_per_s: round(deliveriesPerSecond),
        produced_per_s: round((produced - producedAtWindow) / seconds),
        backlog_at_end: backlog,
        saturated: backlog > deliveriesPerSecond ? 1 : 0,
      },
      details: { windowSeconds: round(seconds, 2), produced, duplicates: c1.duplicates, perListenerPerSecond: c1.perListener.map((n, i) => round((n - (start.perListener[i] ?? 0)) / seconds)) },
    };
  } finally {
    await producer.disconnect();
  }
}

/** The schema registry of the run: `SCHEMA_REGISTRY_URL`, else the local Apicurio (reused when running; stopped afterwards only if started here). */
async function withRegistry<T>(ctx: BenchContext, body: (url: string) => Promise<T>): Promise<T> {
  const configured = process.env.SCHEMA_REGISTRY_URL;
  if (configured && configured !== 'none') return body(configured);
  const started = await startSchemaRegistry({ log: ctx.log });
  try {
    return await body(started.url);
  } finally {
    if (!started.reused && process.env.HOOKLINE_KEEP_INFRA !== 'true') await stopSchemaRegistry({ log: ctx.log });
  }
}

const pad = (sizes: Sizes) => 'x'.repeat(Math.max(0, sizes.payloadBytes - 40));

/**
 * Scenario 7 — Kafka, JSON: Hookline's JSON envelope produced straight to the events topic by a kafkajs producer (no
 * ingest in the path), ten endpoints as in scenario 2, tracker on; deliveries/s at saturation. The baseline of 8.
 */
export const kafkaJsonScenario: Scenario = (ctx, infra, sizes) =>
  withRegistry(ctx, (url) =>
    withRig(ctx, infra, 'kafka_json', { services: ['ingest', 'dispatcher', 'tracker'], listeners: 10, endpoints: tenEndpoints, lag: PIPELINE_LAG, lagIntervalMs: sizes.lagIntervalMs, env: { SCHEMA_REGISTRY_URL: url } }, async (rig) => {
      await prime(rig, ENDPOINT_TYPES);
      const p = pad(sizes);
      return offer(rig, sizes, async (n, type) => ({ key: String(n), value: JSON.stringify({ tenantId: rig.tenantId, type, data: { n, pad: p } }) }));
    }),
  );

/**
 * Scenario 8 — Kafka, Avro: the same stream as scenario 7, but registry-framed Avro records (`{n: long, pad: string}`,
 * encoded by @kafkajs/confluent-schema-registry) routed by `hookline-tenant-id`/`hookline-type` headers: what decoding
 * through the schema registry costs beside the JSON path.
 */
export const kafkaAvroScenario: Scenario = (ctx, infra, sizes) =>
  withRegistry(ctx, (url) =>
    withRig(ctx, infra, 'kafka_avro', { services: ['ingest', 'dispatcher', 'tracker'], listeners: 10, endpoints: tenEndpoints, lag: PIPELINE_LAG, lagIntervalMs: sizes.lagIntervalMs, env: { SCHEMA_REGISTRY_URL: url } }, async (rig) => {
      await prime(rig, ENDPOINT_TYPES);
      const registry = new SchemaRegistry({ host: url });
      const { id } = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(BENCH_AVRO) }, { subject: `${rig.world.prefix}-bench-event` });
      const p = pad(sizes);
      return offer(rig, sizes, async (n, type) => ({
        key: String(n),
        value: await registry.encode(id, { n, pad: p }),
        headers: { 'hookline-tenant-id': rig.tenantId, 'hookline-type': type },
      }));
    }),
  );
