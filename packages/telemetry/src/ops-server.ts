import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

/** The liveness/readiness listener of services that have no API of their own (dispatcher, tracker). */
export interface OpsServer {
  port: number;
  close(): Promise<void>;
}

/**
 * Serves `GET /healthz` (the process is alive), `GET /readyz` (its dependencies answer: 200 or 503 with the
 * failing checks) and `GET /metrics` (Prometheus exposition).
 */
export async function startOpsServer(opts: {
  host: string;
  port: number;
  ready: () => Promise<Record<string, boolean>>;
  metrics?: Registry;
}): Promise<OpsServer> {
  const server: Server = createServer((req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'GET' && req.url === '/healthz') return send(200, { status: 'ok' });
    if (req.method === 'GET' && req.url === '/readyz') {
      opts.ready().then(
        (checks) => send(Object.values(checks).every(Boolean) ? 200 : 503, { checks }),
        () => send(503, { checks: {} }),
      );
      return;
    }
    if (req.method === 'GET' && req.url === '/metrics' && opts.metrics) {
      const registry = opts.metrics;
      registry.metrics().then(
        (text) => {
          res.writeHead(200, { 'content-type': registry.contentType });
          res.end(text);
        },
        () => send(500, {}),
      );
      return;
    }
    res.writeHead(404, { 'content-type': 'application/problem+json' });
    res.end(JSON.stringify({ type: 'about:blank', title: 'Not Found', status: 404 }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
