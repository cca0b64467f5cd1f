import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in OTLP/HTTP collector for the benchmarks, in its own process: accepts every export (traces, metrics,
 * logs) on 127.0.0.1 and answers 200 with an empty body (a valid empty protobuf response), so the services run
 * with their exporters on without a real collector. Prints `listening <port>` and counts what it received.
 */
let requests = 0;
let bytes = 0;
const server = createServer((req, res) => {
  requests++;
  req.on('data', (c: Buffer) => (bytes += c.length));
  req.on('end', () => res.writeHead(200, { 'content-type': 'application/x-protobuf', 'content-length': '0' }).end());
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
