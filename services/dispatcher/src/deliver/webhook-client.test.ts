import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AddressPolicy } from '@hookline/netguard';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGuardedAgent } from './guarded-agent.ts';
import { RESPONSE_EXCERPT_BYTES, WebhookClient } from './webhook-client.ts';

type Route = (req: IncomingMessage, res: ServerResponse, body: string) => void;

/** A loopback receiver whose answer is chosen by the request's path. */
describe('the webhook client against a real HTTP server', () => {
  let server: Server;
  let base: string;
  const seen: Array<{ method?: string; url?: string; headers: IncomingMessage['headers']; body: string }> = [];
  const hanging = new Set<ServerResponse>();
  const big = Buffer.alloc(1 << 20, 0x61);
  const routes: Record<string, Route> = {
    '/ok': (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('thanks'),
    '/chunks': (_req, res) => {
      res.writeHead(202);
      for (const part of ['one,', 'two,', 'three']) res.write(part);
      res.end();
    },
    '/big': (_req, res) => res.writeHead(200).end(big),
    '/euro': (_req, res) => res.writeHead(200).end('€'.repeat(2_000)),
    '/redirect': (_req, res) => res.writeHead(302, { location: '/ok' }).end(),
    '/busy': (_req, res) => res.writeHead(429, { 'retry-after': '7' }).end('slow down'),
    '/processing': (_req, res) => {
      res.writeProcessing();
      res.writeHead(204).end();
    },
    '/hang': (_req, res) => void hanging.add(res),
    '/stall-body': (_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial');
      hanging.add(res);
    },
    '/cut': (_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial', () => res.socket?.destroy());
    },
  };

  beforeAll(async () => {
    server = createServer((req, res) => {
      const parts: Buffer[] = [];
      req.on('data', (c: Buffer) => parts.push(c));
      req.on('end', () => {
        const body = Buffer.concat(parts).toString('utf8');
        seen.push({ method: req.method, url: req.url, headers: req.headers, body });
        const route = routes[new URL(req.url ?? '/', 'http://x').pathname];
        if (route) route(req, res, body);
        else res.writeHead(404).end();
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const res of hanging) res.socket?.destroy();
    server.closeAllConnections();
    server.close();
  });

  const open = (connections?: number) =>
    new WebhookClient({ allowHttp: true, agent: createGuardedAgent(new AddressPolicy({ allowPrivate: true }), connections ? { connections } : {}) });
  const req = { body: '{"type":"invoice.paid"}', headers: { 'content-type': 'application/json', 'webhook-id': 'msg_1' } };

  it('POSTs the body and headers to the path and query, and records the status and the answer', async () => {
    const c = open();
    const out = await c.post(`${base}/ok?tenant=a#frag`, req, 2_000);
    expect(out.result).toEqual({ kind: 'response', statusCode: 200, retryAfter: undefined });
    expect(out.responseBody).toBe('thanks');
    expect(out.durationMs).toBeGreaterThanOrEqual(0);
    const got = seen.at(-1)!;
    expect(got).toMatchObject({ method: 'POST', url: '/ok?tenant=a', body: req.body });
    expect(got.headers).toMatchObject({ 'content-type': 'application/json', 'webhook-id': 'msg_1' });
    expect((await c.post(`${base}/chunks`, req, 2_000)).responseBody).toBe('one,two,three');
    await c.close();
  });

  it('keeps only the first 4 KiB of a long answer, and the pool goes on working', async () => {
    const c = open(1);
    const out = await c.post(`${base}/big`, req, 5_000);
    expect(out.result).toMatchObject({ kind: 'response', statusCode: 200 });
    expect(out.responseBody).toBe('a'.repeat(RESPONSE_EXCERPT_BYTES));
    const euro = await c.post(`${base}/euro`, req, 5_000);
    expect(Buffer.byteLength(euro.responseBody!)).toBeLessThanOrEqual(RESPONSE_EXCERPT_BYTES + 2);
    expect(euro.responseBody!.startsWith('€'.repeat(1_365))).toBe(true);
    expect((await c.post(`${base}/ok`, req, 2_000)).result).toMatchObject({ kind: 'response', statusCode: 200 });
    await c.close();
  });

  it('does not follow redirects, reads Retry-After, and waits past an informational answer', async () => {
    const c = open();
    expect((await c.post(`${base}/redirect`, req, 2_000)).result).toMatchObject({ kind: 'response', statusCode: 302 });
    expect(seen.at(-1)!.url).toBe('/redirect');
    const busy = await c.post(`${base}/busy`, req, 2_000);
    expect(busy.result).toEqual({ kind: 'response', statusCode: 429, retryAfter: '7' });
    expect(busy.responseBody).toBe('slow down');
    expect((await c.post(`${base}/processing`, req, 2_000)).result).toMatchObject({ kind: 'response', statusCode: 204 });
    await c.close();
  });

  it('one deadline covers the headers and the body, also for a request queued behind a full pool', async () => {
    const c = open(1);
    const [first, queued] = await Promise.all([c.post(`${base}/hang`, req, 300), c.post(`${base}/hang`, req, 300)]);
    for (const out of [first, queued]) {
      expect(out.result).toEqual({ kind: 'timeout' });
      expect(out.durationMs).toBeGreaterThanOrEqual(299);
    }
    const stalled = await c.post(`${base}/stall-body`, req, 300);
    expect(stalled.result).toEqual({ kind: 'timeout' });
    expect((await c.post(`${base}/ok`, req, 2_000)).result).toMatchObject({ kind: 'response', statusCode: 200 });
    await c.close();
  });

  it('a refused connection, a cut answer and a header undici refuses are network errors, not throws', async () => {
    const c = open();
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const port = (closed.address() as AddressInfo).port;
    closed.close();
    await once(closed, 'close');
    expect((await c.post(`http://127.0.0.1:${port}/`, req, 2_000)).result).toMatchObject({ kind: 'network_error', message: expect.stringMatching(/ECONNREFUSED/) });
    expect((await c.post(`${base}/cut`, req, 2_000)).result).toMatchObject({ kind: 'network_error' });
    const bad = await c.post(`${base}/ok`, { body: '{}', headers: { 'x-bad': 'a\r\nb' } }, 2_000);
    expect(bad.result).toMatchObject({ kind: 'network_error' });
    await c.close();
  });

  it("the caller's signal aborts requests in flight and before they start, and is not a timeout", async () => {
    const c = open();
    const shutdown = new AbortController();
    const before = hanging.size;
    const pending = c.post(`${base}/hang`, req, 10_000, shutdown.signal);
    await expect.poll(() => hanging.size).toBeGreaterThan(before);
    shutdown.abort();
    const out = await pending;
    expect(out.result.kind).toBe('network_error');
    expect(out.durationMs).toBeLessThan(5_000);
    expect((await c.post(`${base}/ok`, req, 2_000, shutdown.signal)).result.kind).toBe('network_error');
    await c.close();
  });
});
