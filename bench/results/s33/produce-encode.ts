/**
 * kafkajs' produce request encoding alone, with Hookline's kafkajs fixes applied: CPU per record (the garbage
 * collections it causes included) and the collections counted, for three request shapes. The fixes module is the
 * first argument, so that the tree before a change can be measured by the same script:
 *
 *   node bench/results/s33/produce-encode.ts [path/to/kafkajs-fixes.ts] [seconds per shape = 5] [framed]
 *
 * `framed`: each request also goes through kafkajs' request header and frame (`protocol/request.js`), as a connection
 * sends it.
 */
import { createRequire } from 'node:module';
import { PerformanceObserver } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const fixesPath = resolve(process.argv[2] ?? 'packages/kafka/src/kafkajs-fixes.ts');
const seconds = Number(process.argv[3] ?? 5);
const { applyKafkajsFixes } = (await import(pathToFileURL(fixesPath).href)) as { applyKafkajsFixes(): void };
applyKafkajsFixes();
const require = createRequire(import.meta.url);
const Long = require('kafkajs/src/utils/long.js');
const produceV3 = require('kafkajs/src/protocol/requests/produce/v3/request.js') as (a: unknown) => { encode(): Promise<{ buffer: Buffer }> };
const framed = process.argv[4] === 'framed';
const frame = require('kafkajs/src/protocol/request.js') as (a: unknown) => Promise<{ buffer: Buffer }>;

let gcCount = 0;
let gcMs = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    gcCount += 1;
    gcMs += e.duration;
  }
}).observe({ entryTypes: ['gc'] });

const payload = (n: number, i: number) => Buffer.from(JSON.stringify({ id: `evt_${i}`, pad: 'x'.repeat(n) }));
function topicData(records: number, valueBytes: number) {
  const messages = Array.from({ length: records }, (_, i) => ({
    key: `ep_${i % 10}`,
    value: payload(valueBytes, i),
    headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', 'hookline-type': 'order.created' },
  }));
  return [{ topic: 'hookline.deliveries', partitions: [{ partition: 3, firstSequence: 17, messages }] }];
}

const shapes = [
  { name: '1 record of 1.3 KiB (a delivery at 100/s)', records: 1, bytes: 1300 },
  { name: '30 records of 1.3 KiB', records: 30, bytes: 1300 },
  { name: '200 records of 1 KiB (an ingest batch)', records: 200, bytes: 1000 },
];
for (const shape of shapes) {
  const data = topicData(shape.records, shape.bytes);
  const encodeOnce = async () => {
    const req = produceV3({ acks: -1, timeout: 30000, producerId: Long.fromInt(4711), producerEpoch: 0, topicData: data });
    if (framed) return (await frame({ correlationId: 42, clientId: 'hookline-dispatcher', request: req })).buffer;
    return (await req.encode()).buffer;
  };
  // warm-up
  const until = Date.now() + 1000;
  while (Date.now() < until) await encodeOnce();
  const gc0 = gcCount;
  const gcMs0 = gcMs;
  const cpu0 = process.cpuUsage();
  const t0 = Date.now();
  let n = 0;
  let bytes = 0;
  while (Date.now() - t0 < seconds * 1000) {
    bytes = (await encodeOnce()).length;
    n += 1;
  }
  const cpu = process.cpuUsage(cpu0);
  await new Promise((r) => setImmediate(r));
  const us = ((cpu.user + cpu.system) / (n * shape.records));
  console.log(`${shape.name}: ${us.toFixed(2)} µs CPU a record, ${((gcCount - gc0) / (n * shape.records) * 1000).toFixed(2)} collections and ${((gcMs - gcMs0) * 1000 / (n * shape.records)).toFixed(2)} µs of GC pause per 1,000 records; request ${bytes} bytes`);
}
