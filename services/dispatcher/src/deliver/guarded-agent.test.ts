import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AddressPolicy } from '@hookline/netguard';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGuardedAgent } from './guarded-agent.ts';
import { WebhookClient } from './webhook-client.ts';

const strict = new AddressPolicy({ allowPrivate: false });

describe('the guarded client checks the address it connects to', () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    server = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const client = (policy: AddressPolicy, resolveTo?: string) =>
    new WebhookClient({
      allowHttp: true,
      agent: createGuardedAgent(policy, resolveTo ? { resolve: async () => [{ address: resolveTo, family: 4 }] } : {}),
    });
  const req = { body: '{}', headers: { 'content-type': 'application/json' } };

  it('refuses localhost, a DNS name resolving to 127.0.0.1 and an IP literal', async () => {
    const c = client(strict);
    expect((await c.post(`http://localhost:${port}/`, req, 2_000)).result).toMatchObject({ kind: 'ssrf_blocked', message: expect.stringMatching(/loopback/) });
    expect((await c.post(`http://127.0.0.1:${port}/`, req, 2_000)).result).toMatchObject({ kind: 'ssrf_blocked' });
    expect((await c.post(`http://2130706433:${port}/`, req, 2_000)).result).toMatchObject({ kind: 'ssrf_blocked' });
    for (const host of ['foo.localhost', 'localhost.', 'LocalHost', '[::ffff:0:127.0.0.1]', '[64:ff9b:1::7f00:1]', '[::127.0.0.1]']) {
      expect((await c.post(`http://${host}:${port}/`, req, 2_000)).result, host).toMatchObject({ kind: 'ssrf_blocked' });
    }
    await c.close();
    const rebinding = client(strict, '127.0.0.1');
    expect((await rebinding.post(`http://hooks.example.com:${port}/`, req, 2_000)).result).toMatchObject({ kind: 'ssrf_blocked', message: expect.stringMatching(/hooks\.example\.com resolves to 127\.0\.0\.1/) });
    await rebinding.close();
  });

  it('connects when private targets are allowed, or the address is allowlisted', async () => {
    const open = client(new AddressPolicy({ allowPrivate: true }), '127.0.0.1');
    expect((await open.post(`http://hooks.example.com:${port}/`, req, 2_000)).result).toMatchObject({ kind: 'response', statusCode: 200 });
    await open.close();
    // localhost stands for 127.0.0.1 and ::1 (RFC 6761): both must be listed.
    const listed = client(new AddressPolicy({ allowPrivate: false, allowlist: ['127.0.0.0/8', '::1'] }));
    expect((await listed.post(`http://localhost:${port}/`, req, 2_000)).result).toMatchObject({ kind: 'response', statusCode: 200 });
    await listed.close();
  });

  it('refuses http:// unless allowed', async () => {
    const c = new WebhookClient({ allowHttp: false, agent: createGuardedAgent(new AddressPolicy({ allowPrivate: true })) });
    expect((await c.post(`http://127.0.0.1:${port}/`, req, 2_000)).result).toMatchObject({ kind: 'ssrf_blocked', message: expect.stringMatching(/ALLOW_HTTP_TARGETS/) });
    await c.close();
  });
});
