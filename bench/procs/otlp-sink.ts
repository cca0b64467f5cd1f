import { appendFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in OTLP/HTTP collector for the benchmarks, in its own process: accepts every export (traces, metrics,
 * logs) on 127.0.0.1 and answers 200 with an empty body (a valid empty protobuf response), so the services run
 * with their exporters on without a real collector. Prints `listening <port>` and counts what it received.
 *
 * `BENCH_SPAN_DUMP=<file>`: every OTLP/JSON trace export (the services with `OTEL_EXPORTER_OTLP_PROTOCOL=http/json`)
 * is appended to the file, one body per line, for `bench/span-stages.ts` to read.
 */
const dump = process.env.BENCH_SPAN_DUMP;
let requests = 0;
let bytes = 0;
const server = createServer((req, res) => {
  requests++;
  const chunks: Buffer[] = [];
  const keep = dump !== undefined && req.url === '/v1/traces' && (req.headers['content-type'] ?? '').startsWith('application/json');
  req.on('data', (c: Buffer) => {
    bytes += c.length;
    if (keep) chunks.push(c);
  });
  req.on('end', () => {
    if (keep) appendFileSync(dump, `${Buffer.concat(chunks).toString('utf8').replaceAll('\n', ' ')}\n`);
    res.writeHead(200, { 'content-type': keep ? 'application/json' : 'application/x-protobuf', 'content-length': keep ? '2' : '0' }).end(keep ? '{}' : undefined);
  });
});
server.listen(Number(process.env.OTLP_SINK_PORT ?? 0), '127.0.0.1', () => {
  console.log(`listening ${(server.address() as AddressInfo).port}`);
});
const stop = () => {
  console.log(`received ${requests} export requests, ${bytes} bytes`);
  server.close();
  server.closeAllConnections();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
