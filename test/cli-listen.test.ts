import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { createTestWorld, Receiver, waitFor, type TestWorld } from '@hookline/testing';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../packages/cli/src/index.ts';
import { call, createTenant, startPipeline, type Pipeline } from './support/pipeline.ts';

const bin = fileURLToPath(new URL('../packages/cli/bin/hookline.js', import.meta.url));

/** A running `hookline listen`. */
interface Listening {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** stdout's JSON lines (with --json). */
  lines: () => Array<Record<string, any>>;
  exited: Promise<number | null>;
}

/**
 * `hookline listen` (issue 22) as a real process against the real stack: it creates a temporary pull endpoint,
 * forwards each webhook to a local receiver with its original headers (the receiver verifies the signature with the
 * secret listen printed), prints a line per webhook (JSON lines with --json), subscribes to --events only, keeps
 * a webhook whose local server is down until it answers, forwards a message stored long before its read with a
 * signature of the read's time, reads a webhook held past 4 minutes again (a fresh signature), deletes its endpoint
 * on SIGINT, and an endpoint left by a killed listen expires and is
 * deleted by ingest.
 */
describe('hookline listen', () => {
  let world: TestWorld;
  let pipeline: Pipeline;
  let tenant: { id: string; apiKey: string };
  const running: ChildProcess[] = [];

  beforeAll(async () => {
    world = createTestWorld('cli-listen');
    // One events partition: the publish order of the test's events is the order they reach the endpoint.
    world.env.TOPIC_PARTITIONS = '1';
    pipeline = await startPipeline(world);
    tenant = await createTenant(pipeline.api, world.env.ADMIN_TOKEN!, 'listen');
  }, 120_000);
  afterAll(async () => {
    for (const child of running) if (child.exitCode === null) child.kill('SIGKILL');
    await pipeline?.stop();
    await world?.cleanup();
  });

  const listen = (args: string[]): Listening => {
    const child = spawn(process.execPath, [bin, 'listen', ...args], {
      env: { PATH: process.env.PATH, HOME: '/nonexistent', HOOKLINE_URL: pipeline.api, HOOKLINE_API_KEY: tenant.apiKey, NO_COLOR: '1' } as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.push(child);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const lines = () => stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, any>);
    return { child, stdout: () => stdout, stderr: () => stderr, lines, exited };
  };
  const readyOf = async (l: Listening) => {
    await waitFor(() => l.lines().some((x) => x.kind === 'ready'), { timeoutMs: 15_000, description: `listen ready (stderr: ${l.stderr()})` });
    const ready = l.lines().find((x) => x.kind === 'ready')!;
    // The dispatcher has subscribed the new endpoint before the test publishes.
    const type = (ready.eventTypes as string[])[0] ?? 'listen.any';
    await waitFor(() => pipeline.dispatcher!.subscribed(tenant.id, type).includes(ready.endpointId), { timeoutMs: 10_000, description: 'endpoint subscribed' });
    return ready as { endpointId: string; secret: string; forwardTo: string; eventTypes: string[]; expiresAt: string };
  };
  const publish = async (type: string, data: Record<string, unknown>) => {
    const res = await call('POST', `${pipeline.api}/v1/events`, tenant.apiKey, { type, data });
    expect(res.status, JSON.stringify(res.json)).toBe(202);
    return res.json.id as string;
  };
  const stringHeaders = (h: IncomingHttpHeaders) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k, String(v)]));

  it('forwards each webhook with its original headers (verified with the printed secret), prints JSON lines, subscribes to --events only and deletes its endpoint on SIGINT', { timeout: 90_000 }, async () => {
    const receiver = await Receiver.start();
    receiver.respondWith((req) => ({ status: req.body.includes('"n":2') ? 500 : 204 }));
    try {
      const l = listen(['--forward-to', receiver.url('/webhooks'), '--events', 'listen.paid,listen.failed', '--json']);
      const ready = await readyOf(l);
      expect(ready.secret).toMatch(/^whsec_/);
      expect(ready.eventTypes).toEqual(['listen.paid', 'listen.failed']);
      expect(Date.parse(ready.expiresAt) - Date.now()).toBeGreaterThan(200_000);
      const endpoint = await call('GET', `${pipeline.api}/v1/endpoints/${ready.endpointId}`, tenant.apiKey);
      expect(endpoint.json).toMatchObject({ type: 'pull', eventTypes: ['listen.paid', 'listen.failed'] });

      const ids = [await publish('listen.paid', { n: 1 }), await publish('listen.other', { n: 0 }), await publish('listen.failed', { n: 2 }), await publish('listen.paid', { n: 3 })];
      const wanted = [ids[0], ids[2], ids[3]];
      await waitFor(() => l.lines().filter((x) => x.kind === 'webhook').length === 3, { timeoutMs: 30_000, description: `three webhooks forwarded (stderr: ${l.stderr()})` });
      const printed = l.lines().filter((x) => x.kind === 'webhook');
      expect(printed.map((x) => [x.eventId, x.eventType, x.status])).toEqual([[ids[0], 'listen.paid', 204], [ids[2], 'listen.failed', 500], [ids[3], 'listen.paid', 204]]);

      // What the local app got: the webhooks in order, with the Standard Webhooks headers, verifiable with the secret.
      const got = await receiver.waitForRequests(3, { timeoutMs: 5_000 });
      expect(got.map((r) => r.path)).toEqual(['/webhooks', '/webhooks', '/webhooks']);
      for (const [i, r] of got.entries()) {
        expect(r.headers['webhook-id']).toBe(wanted[i]);
        expect(r.headers['content-type']).toBe('application/json');
        expect(new Webhook(ready.secret).verify(r.body, stringHeaders(r.headers))).toMatchObject({ id: wanted[i] });
      }
      // A 500 from the local app is an answer: shown, committed, not retried (as `stripe listen` does).
      expect(receiver.requests.length).toBe(3);

      l.child.kill('SIGINT');
      expect(await l.exited).toBe(0);
      expect(l.lines().at(-1)).toEqual({ kind: 'deleted', endpointId: ready.endpointId });
      expect((await call('GET', `${pipeline.api}/v1/endpoints/${ready.endpointId}`, tenant.apiKey)).status).toBe(404);
    } finally {
      await receiver.close();
    }
  });

  it('prints a line per webhook for people, and keeps a webhook whose local server is down until it answers', { timeout: 90_000 }, async () => {
    // A port nobody listens on yet.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));

    const l = listen(['--forward-to', `http://127.0.0.1:${port}/hooks`, '--events', 'listen.down']);
    await waitFor(() => /Signing secret: (whsec_\S+)/.test(l.stdout()), { timeoutMs: 15_000, description: `listen ready (stderr: ${l.stderr()})` });
    const secret = /Signing secret: (whsec_\S+)/.exec(l.stdout())![1]!;
    const endpointId = /temporary endpoint (ep_\S+)/.exec(l.stdout())![1]!;
    await waitFor(() => pipeline.dispatcher!.subscribed(tenant.id, 'listen.down').includes(endpointId), { timeoutMs: 10_000, description: 'endpoint subscribed' });

    const first = await publish('listen.down', { n: 1 });
    const second = await publish('listen.down', { n: 2 });
    await waitFor(() => /could not forward/.test(l.stderr()), { timeoutMs: 30_000, description: 'the forwarding error printed' });
    expect(l.stderr()).toContain(first);
    expect(l.stdout()).not.toContain(first);

    // The local server comes up: the waiting webhook and the next one arrive, in order, none lost.
    const received: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
    const server: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    try {
      await waitFor(() => received.length >= 2, { timeoutMs: 30_000, description: 'both webhooks forwarded once the server is up' });
      expect(received.map((r) => r.headers['webhook-id'])).toEqual([first, second]);
      for (const r of received) expect(new Webhook(secret).verify(r.body, stringHeaders(r.headers))).toBeTruthy();
      await waitFor(() => l.stdout().includes(second), { timeoutMs: 5_000, description: 'the second line' });
      const lines = l.stdout().split('\n').filter((x) => x.includes('  listen.down  '));
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(new RegExp(`^\\d\\d:\\d\\d:\\d\\d  listen\\.down  ${first}  → 200$`));
      expect(lines[1]).toContain(second);

      l.child.kill('SIGTERM');
      expect(await l.exited).toBe(0);
      expect(l.stderr()).toContain(`deleted endpoint ${endpointId}`);
      expect((await call('GET', `${pipeline.api}/v1/endpoints/${endpointId}`, tenant.apiKey)).status).toBe(404);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('forwards a message stored long before listen reads it, signed at the read: the local app verifies it with standardwebhooks\' default tolerance', { timeout: 90_000 }, async () => {
    // A local app that keeps the first webhook waiting until the test lets it answer (listen reads nothing meanwhile).
    const received: Array<{ headers: IncomingHttpHeaders; body: string; at: number }> = [];
    let release: (() => void) | undefined;
    const server: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ headers: req.headers, body, at: Date.now() });
        if (received.length === 1) release = () => void (res.headersSent || res.writeHead(204).end());
        else res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const l = listen(['--forward-to', `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, '--events', 'listen.old', '--json']);
      const ready = await readyOf(l);
      const first = await publish('listen.old', { n: 1 });
      await waitFor(() => release !== undefined, { timeoutMs: 30_000, description: `the first webhook forwarded (stderr: ${l.stderr()})` });
      // Stored while listen waits for the local app, then made ten minutes old (row and stored timestamp).
      const old = await publish('listen.old', { n: 2 });
      await waitFor(async () => (await world.pool.query('SELECT 1 FROM pull_messages WHERE endpoint_id = $1 AND event_id = $2', [ready.endpointId, old])).rowCount === 1, {
        timeoutMs: 20_000,
        description: 'the second message stored',
      });
      await world.pool.query(
        `UPDATE pull_messages SET created_at = created_at - interval '10 minutes',
           headers = headers || jsonb_build_object('webhook-timestamp', ((headers->>'webhook-timestamp')::bigint - 600)::text)
         WHERE endpoint_id = $1 AND event_id = $2`,
        [ready.endpointId, old],
      );
      const { rows: [stored] } = await world.pool.query<{ headers: Record<string, string> }>('SELECT headers FROM pull_messages WHERE event_id = $1', [old]);
      expect(Date.now() / 1000 - Number(stored!.headers['webhook-timestamp'])).toBeGreaterThan(590);

      release!();
      await waitFor(() => received.length === 2, { timeoutMs: 30_000, description: `the old message forwarded (stderr: ${l.stderr()})` });
      expect(received.map((r) => r.headers['webhook-id'])).toEqual([first, old]);
      const forwarded = received[1]!;
      // Stamped when listen read it (after the release), not when it was stored.
      expect(Math.abs(Number(forwarded.headers['webhook-timestamp']) - forwarded.at / 1000)).toBeLessThanOrEqual(5);
      expect(new Webhook(ready.secret).verify(forwarded.body, stringHeaders(forwarded.headers))).toMatchObject({ id: old, data: { n: 2 } });

      l.child.kill('SIGINT');
      expect(await l.exited).toBe(0);
    } finally {
      release?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('reads a webhook again when it has been held more than 4 minutes since its read (its local server down), so it is forwarded freshly signed', { timeout: 90_000 }, async () => {
    // listen in this process, with a clock the test moves.
    let skewMs = 0;
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let text = '';
    stdout.on('data', (c: Buffer) => (text += c.toString()));
    const interrupt = new AbortController();
    const lines = () => text.split('\n').filter((x) => x.startsWith('{')).map((x) => JSON.parse(x) as Record<string, any>);
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const running = main(['listen', '--forward-to', `http://127.0.0.1:${port}/hooks`, '--events', 'listen.held', '--json'], {
      stdout, stderr, stdin: new PassThrough(), version: 'test', interrupt: interrupt.signal, now: () => Date.now() + skewMs,
      env: { HOOKLINE_URL: pipeline.api, HOOKLINE_API_KEY: tenant.apiKey, HOME: '/nonexistent', NO_COLOR: '1' },
    });
    const received: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
    const server: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(204).end();
      });
    });
    try {
      await waitFor(() => lines().some((x) => x.kind === 'ready'), { timeoutMs: 15_000, description: 'listen ready' });
      const ready = lines().find((x) => x.kind === 'ready')! as { endpointId: string; secret: string };
      await waitFor(() => pipeline.dispatcher!.subscribed(tenant.id, 'listen.held').includes(ready.endpointId), { timeoutMs: 10_000, description: 'endpoint subscribed' });
      const id = await publish('listen.held', { n: 1 });
      await waitFor(() => lines().some((x) => x.kind === 'forward_error' && x.eventId === id), { timeoutMs: 30_000, description: 'the local server down' });

      // The secret rotates and the old one's grace ends while listen holds the copy it read (signed with the old
      // one): only a copy read again verifies with the new secret.
      const rotated = await call('POST', `${pipeline.api}/v1/endpoints/${ready.endpointId}/secret/rotate`, tenant.apiKey, {});
      expect(rotated.status, JSON.stringify(rotated.json)).toBe(200);
      await world.pool.query("UPDATE endpoints SET secrets = jsonb_set(secrets, '{1,expiresAt}', to_jsonb($2::text)) WHERE id = $1", [ready.endpointId, new Date(Date.now() - 1_000).toISOString()]);
      // Five minutes pass for listen.
      skewMs = 5 * 60_000;
      await waitFor(() => lines().some((x) => x.kind === 'reread' && x.eventId === id), { timeoutMs: 20_000, description: 'the held webhook read again' });
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
      await waitFor(() => received.length >= 1, { timeoutMs: 30_000, description: 'the webhook forwarded once the server is up' });
      expect(received.map((r) => r.headers['webhook-id'])).toEqual([id]);
      expect(new Webhook(rotated.json.secret as string).verify(received[0]!.body, stringHeaders(received[0]!.headers))).toMatchObject({ id });
      expect(() => new Webhook(ready.secret).verify(received[0]!.body, stringHeaders(received[0]!.headers))).toThrow();
      await waitFor(() => lines().some((x) => x.kind === 'webhook' && x.eventId === id), { timeoutMs: 5_000, description: 'the webhook line' });
      interrupt.abort();
      expect(await running).toBe(0);
      expect(lines().at(-1)).toEqual({ kind: 'deleted', endpointId: ready.endpointId });
    } finally {
      interrupt.abort();
      await running;
      if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('leaves a temporary endpoint when killed; it expires and ingest deletes it', { timeout: 60_000 }, async () => {
    const l = listen(['--forward-to', 'http://127.0.0.1:9/unused', '--json']);
    const ready = await readyOf(l);
    // Every event type when --events is not given.
    expect(ready.eventTypes).toEqual([]);
    l.child.kill('SIGKILL');
    await l.exited;
    const left = await call('GET', `${pipeline.api}/v1/endpoints/${ready.endpointId}`, tenant.apiKey);
    expect(left.json).toMatchObject({ type: 'pull', expiresAt: expect.any(String) });
    // Nobody reads it any more: five minutes later (moved here instead of waited for) it has expired.
    await world.pool.query("UPDATE endpoints SET expires_at = now() - interval '1 second' WHERE id = $1", [ready.endpointId]);
    await waitFor(async () => (await call('GET', `${pipeline.api}/v1/endpoints/${ready.endpointId}`, tenant.apiKey)).status === 404, {
      timeoutMs: 20_000,
      description: 'the expired endpoint deleted by ingest',
    });
  });

  it('creates a pull endpoint (endpoints create --pull) and reads it (endpoints messages: --wait, --cursor commits, --json)', { timeout: 60_000 }, async () => {
    const run = async (args: string[]) => {
      const child = spawn(process.execPath, [bin, ...args], {
        env: { PATH: process.env.PATH, HOME: '/nonexistent', HOOKLINE_URL: pipeline.api, HOOKLINE_API_KEY: tenant.apiKey, NO_COLOR: '1' } as NodeJS.ProcessEnv,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      return { code, stdout, stderr };
    };
    expect((await run(['endpoints', 'create', '--event-types', 'listen.cli'])).code).toBe(2);
    expect((await run(['endpoints', 'create', '--pull', '--url', 'https://example.com/x'])).code).toBe(2);
    const created = await run(['endpoints', 'create', '--pull', '--event-types', 'listen.cli', '--json']);
    expect(created.code, created.stderr).toBe(0);
    const ep = JSON.parse(created.stdout) as { id: string; type: string; secret: string };
    expect(ep).toMatchObject({ type: 'pull', url: `pull://${ep.id}` });
    await waitFor(() => pipeline.dispatcher!.subscribed(tenant.id, 'listen.cli').includes(ep.id), { timeoutMs: 10_000, description: 'endpoint subscribed' });

    const reading = run(['endpoints', 'messages', ep.id, '--wait', '20', '--json']);
    const id = await publish('listen.cli', { n: 1 });
    const first = await reading;
    expect(first.code, first.stderr).toBe(0);
    const page = JSON.parse(first.stdout) as { data: Array<{ eventId: string; body: string; headers: Record<string, string> }>; cursor: string; done: boolean };
    expect(page.data.map((m) => m.eventId)).toEqual([id]);
    expect(new Webhook(ep.secret).verify(page.data[0]!.body, page.data[0]!.headers)).toMatchObject({ id });
    const human = await run(['endpoints', 'messages', ep.id]);
    expect(human.stdout).toMatch(new RegExp(`${page.cursor} +listen\\.cli +${id}`));
    expect(human.stdout).toContain(`pass --cursor ${page.cursor} to commit these`);
    const committed = await run(['endpoints', 'messages', ep.id, '--cursor', page.cursor, '--json']);
    expect(JSON.parse(committed.stdout)).toEqual({ data: [], cursor: page.cursor, done: true });
    expect((await run(['endpoints', 'messages', ep.id])).stdout).toContain('no messages waiting');
    expect((await run(['endpoints', 'messages', ep.id, '--wait', '31'])).code).toBe(2);
  });

  it('refuses a --forward-to that is not an http(s) URL (exit 2) without creating an endpoint', { timeout: 30_000 }, async () => {
    const before = (await call('GET', `${pipeline.api}/v1/endpoints?limit=250`, tenant.apiKey)).json.data.length;
    for (const bad of ['localhost:3000', 'ftp://localhost/x']) {
      const l = listen(['--forward-to', bad]);
      expect(await l.exited).toBe(2);
      expect(l.stderr()).toContain('--forward-to');
    }
    const missing = listen([]);
    expect(await missing.exited).toBe(2);
    expect((await call('GET', `${pipeline.api}/v1/endpoints?limit=250`, tenant.apiKey)).json.data.length).toBe(before);
  });
});
