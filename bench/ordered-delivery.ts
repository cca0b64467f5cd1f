/**
 * Ordered deliveries per second beside unordered ones (issue 22): runs ingest, dispatcher and tracker in-process on a
 * schema and topic prefix of its own with a local receiver answering 200, creates two endpoints on the same stack —
 * one without `ordering`, one with `ordering: "key"` — and, for each in turn, publishes N events spread over K
 * ordering keys through the API (batches of 500) and times from the first publish until the receiver has every event.
 * The ordered run also checks that every key arrived in publish order.
 *
 *   KAFKA_BROKERS=127.0.0.1:9092 DATABASE_URL=postgres://postgres@127.0.0.1:55432/hookline \
 *     node_modules/.bin/node bench/ordered-delivery.ts [events=5000] [keys=100]
 *
 * `BENCH_SERVICE_ENV='{"VAR":"value"}'` adds variables for the services. Removes its topics and schema afterwards.
 * Prints one line per endpoint.
 */
import { Receiver } from '@hookline/testing';
import { call, createTenant } from '../test/support/pipeline.ts';
import { startInProcessStack } from './lib/in-process-stack.ts';

const stack = await startInProcessStack('od');
const { env, pipeline } = stack;
const events = Number(process.argv[2] ?? 5_000);
const keys = Number(process.argv[3] ?? 100);
const receiver = await Receiver.start();
try {
  const tenant = await createTenant(pipeline.api, env.ADMIN_TOKEN);
  for (const mode of ['unordered', 'ordered'] as const) {
    const path = `/${mode}`;
    const ep = await call('POST', `${pipeline.api}/v1/endpoints`, tenant.apiKey, {
      url: receiver.url(path), eventTypes: [`bench.${mode}`], maxConcurrency: 1_000, ...(mode === 'ordered' ? { ordering: 'key' } : {}),
    });
    if (ep.status !== 201) throw new Error(`endpoint: ${ep.status} ${JSON.stringify(ep.json)}`);
    const seen = new Set<string>();
    const order = new Map<string, number[]>();
    const got = () => {
      for (const r of receiver.requests.splice(0)) {
        const body = JSON.parse(r.body) as { id: string; data: { key: string; seq: number } };
        if (seen.has(body.id)) continue;
        seen.add(body.id);
        order.set(body.data.key, [...(order.get(body.data.key) ?? []), body.data.seq]);
      }
      return seen.size;
    };
    const t0 = performance.now();
    const batches = [];
    for (let i = 0; i < events; i += 500) {
      const n = Math.min(500, events - i);
      const chunk = Array.from({ length: n }, (_, j) => ({ type: `bench.${mode}`, orderingKey: `k${(i + j) % keys}`, data: { key: `k${(i + j) % keys}`, seq: Math.floor((i + j) / keys) } }));
      // One batch after another: a key's events are published in seq order.
      batches.push(await call('POST', `${pipeline.api}/v1/events/batch`, tenant.apiKey, { events: chunk }));
    }
    for (const res of batches) if (res.status !== 202) throw new Error(`publish: ${res.status} ${JSON.stringify(res.json)}`);
    const published = performance.now() - t0;
    const deadline = Date.now() + 600_000;
    while (got() < events && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const seconds = (performance.now() - t0) / 1000;
    const inOrder = [...order.values()].every((seqs) => seqs.every((s, i) => i === 0 || s > seqs[i - 1]!));
    console.log(
      `${mode}: ${seen.size}/${events} events over ${keys} keys delivered in ${seconds.toFixed(2)} s (publish ${(published / 1000).toFixed(2)} s) = ` +
        `${(seen.size / seconds).toFixed(0)} deliveries/s; every key in publish order: ${inOrder}`,
    );
  }
} finally {
  await stack.stop();
  await receiver.close();
}
