/**
 * kafkajs' decoding of fetched record batches alone, with Hookline's kafkajs fixes applied: CPU per record (the
 * collections it causes included). A batch is encoded once by kafkajs' own record batch encoder, with the services'
 * headers, then decoded over and over by kafkajs' record batch decoder, which calls the record decoder the fixes
 * install. The fixes module is the first argument, so that the tree before a change is measured by the same script:
 *
 *   node bench/results/s34/record-decode.ts [path/to/kafkajs-fixes.ts] [seconds per shape = 5]
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
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0/index.js') as { RecordBatch: (a: unknown) => Promise<{ buffer: Buffer }> };
const Record = require('kafkajs/src/protocol/recordBatch/record/v0/index.js') as (a: unknown) => unknown;
const Decoder = require('kafkajs/src/protocol/decoder.js') as new (b: Buffer) => unknown;
const decodeBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder.js') as (d: unknown) => Promise<{ records: unknown[] }>;

let gcCount = 0;
new PerformanceObserver((list) => { gcCount += list.getEntries().length; }).observe({ entryTypes: ['gc'] });

/** A batch as a fetch response holds it: first offset (int64), length (int32), then the batch from partition leader epoch on. */
async function fetchedBatch(records: number, valueBytes: number, headers: Record<string, string>): Promise<Buffer> {
  const now = 1_796_400_000_123;
  const batch = await RecordBatch({
    firstOffset: 0, firstTimestamp: now, maxTimestamp: now + records, lastOffsetDelta: records - 1,
    records: Array.from({ length: records }, (_, i) => Record({
      offsetDelta: i, timestampDelta: i, key: Buffer.from(`ep_${i % 10}`),
      value: Buffer.from(JSON.stringify({ id: `dlv_${i}`, pad: 'x'.repeat(valueBytes) })), headers,
    })),
  });
  // kafkajs' encoder starts with its first offset; the decoder reads it, then the length, then the rest.
  return batch.buffer;
}

const traced = { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' };
const deliveryHeaders = { ...traced, 'hookline-type': 'order.created', 'hookline-tenant': 'ten_1', 'hookline-endpoint': 'ep_1' };
const shapes = [
  { name: '1 record of 1.3 KiB, traceparent only', records: 1, bytes: 1300, headers: traced },
  { name: '30 records of 1.3 KiB, four headers', records: 30, bytes: 1300, headers: deliveryHeaders },
  { name: '200 records of 1 KiB, traceparent only', records: 200, bytes: 1000, headers: traced },
];
for (const shape of shapes) {
  const bytes = await fetchedBatch(shape.records, shape.bytes, shape.headers);
  const decodeOnce = async () => (await decodeBatch(new Decoder(bytes))).records.length;
  if ((await decodeOnce()) !== shape.records) throw new Error('decoded a different number of records');
  const until = Date.now() + 1000;
  while (Date.now() < until) await decodeOnce();
  const gc0 = gcCount;
  const cpu0 = process.cpuUsage();
  const t0 = Date.now();
  let n = 0;
  while (Date.now() - t0 < seconds * 1000) n += await decodeOnce();
  const cpu = process.cpuUsage(cpu0);
  await new Promise((r) => setImmediate(r)); // the collections' entries are delivered after a turn of the loop
  console.log(`${shape.name}: ${((cpu.user + cpu.system) / n).toFixed(2)} µs CPU a record, ${((gcCount - gc0) / n * 1000).toFixed(2)} collections per 1,000 records`);
}
