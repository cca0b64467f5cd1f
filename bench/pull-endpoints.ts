/**
 * Pull endpoints (issue 22): messages per second read through long polls, and publish → read latency. Runs ingest,
 * dispatcher and tracker in-process on a schema and topic prefix of its own and creates one `pull` endpoint.
 *
 * 1. Throughput: publishes N events through the API (batches of 500) while one consumer long-polls the endpoint
 *    (`limit=1000&wait=10`, committing each page with its cursor); timed from the first publish until all N are read.
 * 2. Latency: M events published one at a time, each read by a waiting long poll before the next is published;
 *    latency = from sending the publish request to the long poll's answer.
 *
 *   KAFKA_BROKERS=127.0.0.1:9092 DATABASE_URL=postgres://postgres@127.0.0.1:55432/hookline \
 *     node_modules/.bin/node bench/pull-endpoints.ts [events=5000] [latencySamples=200]
 *
 * Removes its topics and schema afterwards. Prints two lines of results.
 */
import { waitFor } from '@hookline/testing';
import { call, createTenant } from '../test/support/pipeline.ts';
import { startInProcessStack } from './lib/in-process-stack.ts';

const stack = await startInProcessStack('pull');
const { env, pipeline } = stack;
const events = Number(process.argv[2] ?? 5_000);
const samples = Number(process.argv[3] ?? 200);
const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
try {
  const tenant = await createTenant(pipeline.api, env.ADMIN_TOKEN);
  const ep = await call('POST', `${pipeline.api}/v1/endpoints`, tenant.apiKey, { type: 'pull', maxConcurrency: 1_000 });
  if (ep.status !== 201) throw new Error(`endpoint: ${ep.status} ${JSON.stringify(ep.json)}`);
  const messages = `${pipeline.api}/v1/endpoints/${ep.json.id}/messages`;
  await waitFor(() => pipeline.dispatcher!.subscribed(tenant.id, 'bench.pull').includes(ep.json.id), { timeoutMs: 10_000, description: 'endpoint subscribed' });
  let cursor: string | undefined;
  let polls = 0;
  /** One long poll, committing what the previous one read. */
  const poll = async (limit: number, wait: number) => {
    polls++;
    const res = await call('GET', `${messages}?limit=${limit}&wait=${wait}${cursor ? `&cursor=${cursor}` : ''}`, tenant.apiKey);
    if (res.status !== 200) throw new Error(`read: ${res.status} ${JSON.stringify(res.json)}`);
    cursor = res.json.cursor;
    return res.json.data as Array<{ eventId: string }>;
  };

  // 1. Throughput.
  const t0 = performance.now();
  const batches = [];
  for (let i = 0; i < events; i += 500) {
    const n = Math.min(500, events - i);
    batches.push(call('POST', `${pipeline.api}/v1/events/batch`, tenant.apiKey, { events: Array.from({ length: n }, (_, j) => ({ type: 'bench.pull', data: { n: i + j } })) }));
  }
  const publishing = Promise.all(batches).then((all) => {
    for (const res of all) if (res.status !== 202) throw new Error(`publish: ${res.status} ${JSON.stringify(res.json)}`);
    return performance.now() - t0;
  });
  const seen = new Set<string>();
  const deadline = Date.now() + 300_000;
  while (seen.size < events && Date.now() < deadline) for (const m of await poll(1_000, 10)) seen.add(m.eventId);
  const seconds = (performance.now() - t0) / 1000;
  const published = await publishing;
  console.log(`pull endpoint: ${seen.size}/${events} messages read through ${polls} long polls in ${seconds.toFixed(2)} s (publish ${(published / 1000).toFixed(2)} s) = ${(seen.size / seconds).toFixed(0)} messages/s`);

  // 2. Latency, one event at a time.
  const latencies: number[] = [];
  for (let i = 0; i < samples; i++) {
    const reading = poll(10, 10);
    const sent = performance.now();
    const pub = await call('POST', `${pipeline.api}/v1/events`, tenant.apiKey, { type: 'bench.pull.latency', data: { i } });
    if (pub.status !== 202) throw new Error(`publish: ${pub.status}`);
    let got = await reading;
    while (!got.some((m) => m.eventId === pub.json.id)) got = await poll(10, 10);
    latencies.push(performance.now() - sent);
  }
  latencies.sort((a, b) => a - b);
  console.log(`pull endpoint latency (publish → long poll answers), ${samples} events one at a time: p50 ${quantile(latencies, 0.5).toFixed(0)} ms, p95 ${quantile(latencies, 0.95).toFixed(0)} ms, p99 ${quantile(latencies, 0.99).toFixed(0)} ms, max ${latencies.at(-1)!.toFixed(0)} ms`);
} finally {
  await stack.stop();
}
