import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { createTestWorld, Receiver, waitFor, type TestWorld } from '@hookline/testing';
import type { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram, main } from '../packages/cli/src/index.ts';
import { call, createTenant, startPipeline, type Pipeline } from './support/pipeline.ts';

const bin = fileURLToPath(new URL('../packages/cli/bin/hookline.js', import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  json: any;
}

/** A running `hookline` process (for tail and watch). */
interface Running {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  done: Promise<Run>;
}

const parse = (text: string) => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

describe('the hookline CLI, run as a process against the real stack', () => {
  let world: TestWorld;
  let pipeline: Pipeline;
  let receiver: Receiver;
  let dir: string;
  let env: Record<string, string>;
  let tenant: { id: string; apiKey: string };

  /** Starts the real bin on the test's Node (24) with the test's settings. */
  const start = (args: string[], opts: { env?: Record<string, string | undefined>; input?: string } = {}): Running => {
    const child = spawn(process.execPath, [bin, ...args], {
      env: { PATH: process.env.PATH, HOME: dir, HOOKLINE_CONFIG: join(dir, 'config.json'), ...env, ...opts.env } as NodeJS.ProcessEnv,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    if (opts.input !== undefined) child.stdin!.end(opts.input);
    else child.stdin!.end();
    const done = new Promise<Run>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr, json: parse(stdout) })));
    return { child, stdout: () => stdout, stderr: () => stderr, done };
  };
  const cli = (args: string[], opts: { env?: Record<string, string | undefined>; input?: string } = {}) => start(args, opts).done;
  const ok = async (args: string[], opts: { env?: Record<string, string | undefined>; input?: string } = {}) => {
    const run = await cli(args, opts);
    expect(run.code, `hookline ${args.join(' ')}\n${run.stderr}`).toBe(0);
    return run;
  };

  beforeAll(async () => {
    world = createTestWorld('cli');
    receiver = await Receiver.start();
    receiver.respondWith((req) => (req.path.startsWith('/fail') ? { status: 500, body: 'down' } : { status: 200 }));
    pipeline = await startPipeline(world, { env: { RETRY_SCHEDULE: '100ms,100ms', CIRCUIT_VOLUME_THRESHOLD: '100000' } });
    tenant = await createTenant(pipeline.api, world.env.ADMIN_TOKEN!, 'cli');
    dir = await mkdtemp(join(tmpdir(), 'hookline-cli-'));
    env = { HOOKLINE_URL: pipeline.api, HOOKLINE_API_KEY: tenant.apiKey };
  });
  afterAll(async () => {
    await pipeline?.stop();
    await receiver?.close();
    await world?.cleanup();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  describe('help, usage and exit codes', () => {
    it('answers --help on every command with exit 0; the root help documents the exit codes', async () => {
      const root = await ok(['--help']);
      expect(root.stdout).toMatch(/Exit codes:\n {2}0 {2}success\n {2}1 .*\n.*\n {2}2 {2}usage.*\n {2}3 {2}not found/);
      // Every command of the tree, in-process (the same program the bin runs), so the walk stays fast.
      const paths: string[][] = [];
      const walk = (cmd: Command, path: string[]) => {
        paths.push(path);
        for (const c of cmd.commands) if (c.name() !== 'help') walk(c, [...path, c.name()]);
      };
      walk(buildProgram(fakeRuntime().runtime), []);
      expect(paths.length).toBeGreaterThan(42);
      for (const path of paths) {
        const { runtime, out } = fakeRuntime();
        expect(await main([...path, '--help'], runtime), path.join(' ')).toBe(0);
        expect(out(), path.join(' ')).toMatch(/^Usage: hookline/);
      }
    });

    it('exits 2 on usage errors, 1 when the API cannot be reached, 3 on not found', async () => {
      expect((await cli(['bogus'])).code).toBe(2);
      expect((await cli(['endpoints'])).code).toBe(2);
      expect((await cli(['endpoints', 'get'])).code).toBe(2);
      expect((await cli(['events', 'list', '--after', 'yesterday'])).code).toBe(2);
      const noKey = await cli(['endpoints', 'list'], { env: { HOOKLINE_API_KEY: undefined } });
      expect(noKey).toMatchObject({ code: 2, stderr: expect.stringContaining('no API key') });
      const down = await cli(['endpoints', 'list', '--api-url', 'http://127.0.0.1:9']);
      expect(down).toMatchObject({ code: 1, stderr: expect.stringContaining('cannot reach http://127.0.0.1:9') });
      const missing = await cli(['endpoints', 'get', 'ep_missing', '--json']);
      expect(missing.code).toBe(3);
      expect(missing.stdout).toBe('');
      expect(JSON.parse(missing.stderr).error).toMatchObject({ status: 404 });
      const badKey = await cli(['endpoints', 'list', '--api-key', 'hk_nope']);
      expect(badKey).toMatchObject({ code: 1, stderr: expect.stringContaining('401') });
    });

    it('prints a completion script that bash completes subcommands and options with', async () => {
      const script = (await ok(['completion', 'bash'])).stdout;
      expect((await ok(['completion', 'zsh'])).stdout).toContain('bashcompinit');
      const complete = (words: string) =>
        new Promise<string>((resolve) => {
          const line = `${script}\nCOMP_WORDS=(${words}); COMP_CWORD=$((\${#COMP_WORDS[@]} - 1)); _hookline_complete; echo "\${COMPREPLY[*]}"`;
          const bash = spawn('bash', ['--norc', '-c', line]);
          let out = '';
          bash.stdout.on('data', (c: Buffer) => (out += c.toString()));
          bash.on('close', () => resolve(out.trim()));
        });
      expect((await complete('hookline endpoints ""')).split(' ')).toEqual(expect.arrayContaining(['create', 'list', 'rotate', 'recover']));
      expect((await complete('hookline --json events ta')).split(' ')).toEqual(['tail']);
      expect((await complete('hookline endpoints create --ur')).split(' ')).toEqual(['--url']);
      expect((await complete('hookline apps ""')).split(' ')).toEqual(expect.arrayContaining(['create', 'list', 'get', 'update', 'delete']));
      expect((await complete('hookline portal ""')).split(' ')).toEqual(expect.arrayContaining(['revoke', '--expires-in', '--read-only']));
      expect((await complete('hookline --app acme-corp endpoints cr')).split(' ')).toEqual(['create']);
      expect((await complete('hookline sources ""')).split(' ')).toEqual(expect.arrayContaining(['create', 'rotate-token', 'rotate-secret', 'requests']));
      expect((await complete('hookline sources create --prov')).split(' ')).toEqual(['--provider']);
    });
  });

  describe('tenants and keys (admin token)', () => {
    it('creates a tenant, issues and revokes a key; a tenant key is refused', async () => {
      const admin = { HOOKLINE_ADMIN_TOKEN: world.env.ADMIN_TOKEN! };
      const created = (await ok(['tenants', 'create', 'acme', '--json'], { env: admin })).json;
      expect(created).toMatchObject({ id: expect.any(String), name: 'acme', apiKey: expect.stringMatching(/^hk_/) });
      const key = (await ok(['tenants', 'keys', 'create', created.id, '--json'], { env: admin })).json;
      expect((await ok(['endpoints', 'list', '--json'], { env: { HOOKLINE_API_KEY: key.apiKey } })).json).toEqual({ data: [], nextCursor: null });
      expect((await ok(['tenants', 'keys', 'revoke', created.id, key.id, '--json'], { env: admin })).json).toEqual({ revoked: true, id: key.id });
      expect((await cli(['tenants', 'keys', 'revoke', created.id, key.id], { env: admin })).code).toBe(3);
      expect((await cli(['endpoints', 'list'], { env: { HOOKLINE_API_KEY: key.apiKey } })).code).toBe(1);
      expect((await cli(['tenants', 'create', 'x'])).code).toBe(1);
    });
  });

  describe('endpoints', () => {
    it('creates, lists, gets, updates, shows and rotates the secret, tests, reports health, deletes', async () => {
      const ep = (await ok(['endpoints', 'create', '--url', receiver.url('/ep'), '--event-types', 'cli.one,cli.two', '--header', 'X-Team=core', '--json'])).json;
      expect(ep).toMatchObject({ id: expect.stringMatching(/^ep_/), eventTypes: ['cli.one', 'cli.two'], headers: { 'X-Team': 'core' }, secret: expect.stringMatching(/^whsec_/) });
      expect((await ok(['endpoints', 'list', '--json'])).json.data.map((e: { id: string }) => e.id)).toContain(ep.id);
      const table = (await ok(['endpoints', 'list'])).stdout;
      expect(table.split('\n')[0]).toMatch(/^ID\s+URL\s+EVENT TYPES\s+STATE\s+DESCRIPTION$/);
      expect(table).not.toContain('\u001b['); // not a terminal: no colours
      expect((await ok(['endpoints', 'get', ep.id, '--json'])).json).not.toHaveProperty('secret');
      const updated = (await ok(['endpoints', 'update', ep.id, '--description', 'orders', '--disable', '--json'])).json;
      expect(updated).toMatchObject({ description: 'orders', disabled: true });
      expect((await ok(['endpoints', 'update', ep.id, '--enable', '--json'])).json).toMatchObject({ disabled: false });
      expect((await cli(['endpoints', 'update', ep.id])).code).toBe(2);
      expect((await ok(['endpoints', 'secret', ep.id])).stdout.trim()).toBe(ep.secret);
      const rotated = (await ok(['endpoints', 'rotate', ep.id, '--json'])).json.secret;
      expect(rotated).not.toBe(ep.secret);
      expect((await ok(['endpoints', 'secret', ep.id, '--json'])).json).toEqual({ secret: rotated });
      const sent = (await ok(['endpoints', 'test', ep.id, '--json'])).json;
      await waitFor(() => receiver.requests.find((r) => r.headers['webhook-id'] === sent.eventId), { description: 'the test event delivered' });
      expect((await ok(['endpoints', 'health', ep.id, '--json'])).json).toMatchObject({ circuit: 'closed', disabled: false });
      expect((await ok(['endpoints', 'delete', ep.id, '--json'])).json).toEqual({ deleted: true, id: ep.id });
      expect((await cli(['endpoints', 'get', ep.id])).code).toBe(3);
    });

    it('prints the problem detail and every field error, exit 1', async () => {
      const bad = await cli(['endpoints', 'create', '--url', 'not a url', '--timeout', '10']);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(/^error: 422 /);
      expect(bad.stderr).toMatch(/\n {2}url: /);
      expect(bad.stderr).toMatch(/\n {2}timeoutMs: /);
    });
  });

  describe('event types, publishing and history', () => {
    let endpointId: string;
    beforeAll(async () => {
      endpointId = (await ok(['endpoints', 'create', '--url', receiver.url('/history'), '--event-types', 'order.placed,order.batch', '--json'])).json.id;
    });

    it('declares an event type from a JSON Schema file; data that violates it is refused with each field named', async () => {
      const schema = join(dir, 'order.schema.json');
      await writeFile(schema, JSON.stringify({ type: 'object', required: ['total'], properties: { total: { type: 'number' } } }));
      const put = (await ok(['event-types', 'put', 'order.placed', '--schema', schema, '--description', 'an order', '--json'])).json;
      expect(put).toMatchObject({ name: 'order.placed', description: 'an order', schema: { required: ['total'] } });
      expect((await ok(['event-types', 'list', '--json'])).json.data.map((t: { name: string }) => t.name)).toContain('order.placed');
      expect((await ok(['event-types', 'get', 'order.placed', '--json'])).json.schema).toMatchObject({ type: 'object' });
      const refused = await cli(['events', 'publish', '-t', 'order.placed', '-d', '{"total": "ten"}']);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/422/);
      expect(refused.stderr).toMatch(/total/);
      await ok(['event-types', 'put', 'cli.gone']);
      expect((await ok(['event-types', 'delete', 'cli.gone', '--json'])).json).toEqual({ deleted: true, name: 'cli.gone' });
      expect((await cli(['event-types', 'get', 'cli.gone'])).code).toBe(3);
      expect((await cli(['event-types', 'put', 'x.y', '--schema', join(dir, 'missing.json')])).code).toBe(2);
    });

    it('publishes from flags, @file, stdin and NDJSON batches; lists, gets and shows attempts; replays', async () => {
      const one = (await ok(['events', 'publish', '-t', 'order.placed', '-d', '{"total": 1}', '--metadata', '{"region": "eu"}', '--json'])).json;
      expect(one).toMatchObject({ id: expect.any(String), type: 'order.placed' });
      const dataFile = join(dir, 'data.json');
      await writeFile(dataFile, '{"total": 2}');
      const two = (await ok(['events', 'publish', '-t', 'order.placed', '-d', `@${dataFile}`, '--id', 'cli-order-2', '--json'])).json;
      expect(two.id).toEqual(expect.any(String));
      const again = (await ok(['events', 'publish', '-t', 'order.placed', '-d', '{"total": 2}', '--id', 'cli-order-2', '--json'])).json;
      expect(again.id).toBe(two.id);
      const piped = (await ok(['events', 'publish', '--file', '-', '--json'], { input: '{"type": "order.placed", "data": {"total": 3}}' })).json;
      expect(piped.type).toBe('order.placed');
      const ndjson = Array.from({ length: 3 }, (_, i) => JSON.stringify({ type: 'order.batch', data: { n: i } })).join('\n');
      const batch = (await ok(['events', 'publish', '--file', '-', '--json'], { input: `${ndjson}\n` })).json;
      expect(batch.data).toHaveLength(3);
      expect((await cli(['events', 'publish', '--file', '-'], { input: '{"type": "a.b"}\n{nope' })).code).toBe(2);
      expect((await cli(['events', 'publish', '-t', 'order.placed', '--metadata', 'region=eu'])).code).toBe(2);

      // Waits through the API (a process per poll would be slow), then reads with the CLI.
      const all = [one.id, two.id, piped.id, ...batch.data.map((e: { id: string }) => e.id)];
      const recorded = async () => ((await call('GET', `${pipeline.api}/v1/events?limit=250`, tenant.apiKey)).json.data as Array<{ id: string }>).map((e) => e.id);
      await waitFor(async () => {
        const ids = await recorded();
        return all.every((id) => ids.includes(id));
      }, { timeoutMs: 20_000, description: 'the published events recorded' });
      const listed = (await ok(['events', 'list', '--after', '10m', '--json'])).json;
      expect(listed.data.map((e: { id: string }) => e.id)).toEqual(expect.arrayContaining(all));
      expect((await ok(['events', 'list', '--type', 'order.batch', '--limit', '2', '--json'])).json).toMatchObject({ data: [{}, {}], nextCursor: expect.any(String) });
      expect((await ok(['events', 'list', '--type', 'order.batch', '--limit', '2', '--all', '--json'])).json.data).toHaveLength(3);

      await waitFor(async () => (await call('GET', `${pipeline.api}/v1/events/${one.id}`, tenant.apiKey)).json.deliveries?.[0]?.status === 'succeeded', { description: 'the event delivered' });
      const got = (await ok(['events', 'get', one.id, '--json'])).json;
      expect(got).toMatchObject({ id: one.id, data: { total: 1 }, metadata: { region: 'eu' }, deliveries: [{ endpointId, status: 'succeeded', attempts: 1, lastStatusCode: 200 }] });
      expect((await ok(['events', 'get', one.id])).stdout).toMatch(/ENDPOINT\s+STATUS\s+ATTEMPTS/);
      const attempts = (await ok(['events', 'attempts', one.id, '--json'])).json.data;
      expect(attempts).toEqual([expect.objectContaining({ endpointId, attempt: 1, outcome: 'succeeded', statusCode: 200 })]);
      expect((await cli(['events', 'get', 'evt_missing'])).code).toBe(3);

      const replay = (await ok(['replay', one.id, '--wait', '--json'])).json;
      expect(replay).toMatchObject({ kind: 'replay', status: 'completed', total: 1, requeued: 1 });
      await waitFor(() => receiver.requests.filter((r) => r.headers['webhook-id'] === one.id).length === 2, { description: 'the replayed delivery' });
      const started = (await ok(['events', 'replay', one.id, '--endpoint', endpointId, '--json'])).json;
      expect(started).toMatchObject({ replayed: 1, job: { id: expect.any(String), kind: 'replay' } });
      const job = (await ok(['jobs', 'watch', started.job.id])).stdout;
      expect(job).toMatch(/\[#+\] 100% {2}1\/1 \(1 requeued, 0 missing\) {2}completed/);
      expect((await ok(['jobs', 'get', started.job.id, '--json'])).json).toMatchObject({ status: 'completed' });
      expect((await cli(['jobs', 'watch', 'job_missing'])).code).toBe(3);
    });
  });

  describe('events tail', () => {
    it('follows a new event and its delivery outcome, as JSON lines', async () => {
      const ep = (await ok(['endpoints', 'create', '--url', receiver.url('/tail'), '--event-types', 'tail.seen', '--json'])).json;
      const tail = start(['events', 'tail', '--type', 'tail.seen', '--interval', '200ms', '--max-events', '1', '--json']);
      // Published once the tail has started (it says so on stderr), so it is the tail's first new event.
      await waitFor(() => tail.stderr().includes('following events'), { description: 'the tail started' });
      const published = (await ok(['events', 'publish', '-t', 'tail.seen', '-d', '{"n": 1}', '--json'])).json;
      const run = await tail.done;
      expect(run.code, run.stderr).toBe(0);
      const lines = run.stdout.trim().split('\n').map((l) => JSON.parse(l));
      expect(lines[0]).toMatchObject({ kind: 'event', event: { id: published.id, type: 'tail.seen', data: { n: 1 } } });
      expect(lines.at(-1)).toMatchObject({ kind: 'delivery', eventId: published.id, endpointId: ep.id, status: 'succeeded', attempts: 1, lastStatusCode: 200 });
    });

    it('shows events as lines for people, runs until Ctrl-C, then exits 0', async () => {
      const tail = start(['events', 'tail', '--interval', '200ms']);
      await waitFor(() => tail.stderr().includes('following events'), { description: 'the tail started' });
      const published = (await ok(['events', 'publish', '-t', 'tail.human', '--json'])).json;
      await waitFor(() => tail.stdout().includes(published.id), { description: 'the event shown' });
      tail.child.kill('SIGINT');
      const run = await tail.done;
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(new RegExp(`^\\d{2}:\\d{2}:\\d{2}\\.\\d{3}  ${published.id}  tail\\.human  \\{\\}$`, 'm'));
    });
  });

  describe('dead letters and jobs', () => {
    it('lists dead letters and redrives them, watching the job', async () => {
      const ep = (await ok(['endpoints', 'create', '--url', receiver.url('/fail'), '--event-types', 'dl.event', '--json'])).json;
      const event = (await ok(['events', 'publish', '-t', 'dl.event', '--json'])).json;
      await waitFor(async () => (await call('GET', `${pipeline.api}/v1/dead-letters?endpointId=${ep.id}`, tenant.apiKey)).json.data.length === 1, { timeoutMs: 30_000, description: 'the delivery dead' });
      const dead = (await ok(['dead-letters', 'list', '--endpoint', ep.id, '--json'])).json.data[0];
      expect(dead).toMatchObject({ eventId: event.id, endpointId: ep.id, attempts: 3, lastStatusCode: 500 });
      expect((await ok(['dlq', 'list'])).stdout).toMatch(/DELIVERY\s+EVENT\s+TYPE\s+ENDPOINT/);
      const redrive = (await ok(['dead-letters', 'redrive', '--endpoint', ep.id, '--since', '1h', '--json'])).json;
      expect(redrive).toMatchObject({ redriven: 1, job: { kind: 'redrive' } });
      const watched = (await ok(['jobs', 'watch', redrive.job.id, '--json'])).json;
      expect(watched).toMatchObject({ id: redrive.job.id, status: 'completed', requeued: 1 });
      const recovered = (await ok(['endpoints', 'recover', ep.id, '--since', '1h', '--wait', '--json'])).json;
      expect(recovered).toMatchObject({ kind: 'recover', status: 'completed' });
    });
  });

  describe('verify', () => {
    it('verifies a delivered request saved to a file or piped in; another secret fails with exit 1', async () => {
      const ep = (await ok(['endpoints', 'create', '--url', receiver.url('/verify'), '--event-types', 'verify.me', '--json'])).json;
      const event = (await ok(['events', 'publish', '-t', 'verify.me', '-d', '{"ok": true}', '--json'])).json;
      const req = await waitFor(() => receiver.requests.find((r) => r.headers['webhook-id'] === event.id), { description: 'the delivery' });
      const raw = `POST ${req.path} HTTP/1.1\r\n${Object.entries(req.headers)
        .map(([k, v]) => `${k}: ${String(v)}`)
        .join('\r\n')}\r\n\r\n${req.body}\n`;
      const file = join(dir, 'request.http');
      await writeFile(file, raw);
      const valid = await ok(['verify', '--secret', ep.secret, file, '--json'], { env: { HOOKLINE_API_KEY: undefined } });
      expect(valid.json).toMatchObject({ valid: true, webhookId: event.id });
      expect((await ok(['verify', '--secret', ep.secret, '--tolerance', '300'], { input: raw })).stdout).toMatch(/valid/);
      const other = `whsec_${Buffer.alloc(32, 1).toString('base64')}`;
      const invalid = await cli(['verify', '--secret', other], { input: raw });
      expect(invalid).toMatchObject({ code: 1, stderr: expect.stringContaining('no signature matches') });
      const tampered = await cli(['verify', '--secret', ep.secret], { input: raw.replace('"ok":true', '"ok":false') });
      expect(tampered.code).toBe(1);
      expect((await cli(['verify'], { input: raw })).code).toBe(2);
    });

    it('verifies an ed25519 endpoint\'s v1a request with --public-key; another key fails with exit 1', async () => {
      const ep = (await ok(['endpoints', 'create', '--url', receiver.url('/verify-ed'), '--event-types', 'verify.ed', '--signature-scheme', 'ed25519', '--json'])).json;
      expect(ep).toMatchObject({ signatureScheme: 'ed25519', publicKey: expect.stringMatching(/^whpk_/) });
      expect((await ok(['endpoints', 'secret', ep.id])).stdout.trim()).toBe(ep.publicKey);
      const event = (await ok(['events', 'publish', '-t', 'verify.ed', '-d', '{"ok": true}', '--json'])).json;
      const req = await waitFor(() => receiver.requests.find((r) => r.headers['webhook-id'] === event.id), { description: 'the delivery' });
      expect(String(req.headers['webhook-signature'])).toMatch(/^v1a,/);
      const raw = `POST ${req.path} HTTP/1.1\r\n${Object.entries(req.headers)
        .map(([k, v]) => `${k}: ${String(v)}`)
        .join('\r\n')}\r\n\r\n${req.body}\n`;
      expect((await ok(['verify', '--public-key', ep.publicKey, '--json'], { input: raw, env: { HOOKLINE_API_KEY: undefined } })).json).toMatchObject({ valid: true, webhookId: event.id });
      const other = `whpk_${Buffer.from('3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c', 'hex').toString('base64')}`;
      expect(await cli(['verify', '--public-key', other], { input: raw })).toMatchObject({ code: 1, stderr: expect.stringContaining('no signature matches') });
      expect((await cli(['verify', '--public-key', ep.publicKey], { input: raw.replace('"ok":true', '"ok":false') })).code).toBe(1);
    });
  });

  describe('profiles', () => {
    it('saves named profiles; --profile selects one; the environment wins over it', async () => {
      const none = { HOOKLINE_URL: undefined, HOOKLINE_API_KEY: undefined };
      await ok(['profiles', 'set', 'local', '--api-url', pipeline.api, '--api-key', tenant.apiKey], { env: none });
      await ok(['profiles', 'set', 'broken', '--api-url', 'http://127.0.0.1:9', '--api-key', tenant.apiKey], { env: none });
      const listed = (await ok(['profiles', 'list', '--json'], { env: none })).json;
      expect(listed.data.map((p: { name: string }) => p.name).sort()).toEqual(['broken', 'local']);
      expect(JSON.stringify(listed)).not.toContain(tenant.apiKey);
      expect((await cli(['endpoints', 'list', '--json', '--profile', 'local'], { env: none })).code).toBe(0);
      expect((await cli(['endpoints', 'list', '--profile', 'broken'], { env: none })).code).toBe(1);
      expect((await cli(['endpoints', 'list', '--profile', 'broken'], { env: { HOOKLINE_URL: pipeline.api } })).code).toBe(0);
      expect((await cli(['endpoints', 'list', '--profile', 'nope'], { env: none })).code).toBe(2);
    });
  });

  describe('applications, --app and the portal', () => {
    const ids = (page: { data: Array<{ id: string }> }) => page.data.map((e) => e.id);

    it('creates an application with a uid; --app scopes endpoints, publishing, history, tail and dead letters to it', async () => {
      const app = (await ok(['applications', 'create', '--name', 'Acme Corp', '--uid', 'cli-acme', '--metadata', '{"plan": "pro"}', '--rate-limit', '100', '--json'])).json;
      expect(app).toMatchObject({ id: expect.stringMatching(/^app_/), uid: 'cli-acme', name: 'Acme Corp', metadata: { plan: 'pro' }, rateLimitPerSecond: 100, default: false });
      const other = (await ok(['apps', 'create', '--name', 'Other Co', '--json'])).json;
      const taken = await cli(['applications', 'create', '--name', 'Dup', '--uid', 'cli-acme']);
      expect(taken).toMatchObject({ code: 1, stderr: expect.stringContaining('HKL_APPLICATION_UID_TAKEN') });

      // The same event type subscribed in three applications: the tenant's default one, Acme (by uid) and Other (by id, from HOOKLINE_APP).
      const home = (await ok(['endpoints', 'create', '--url', receiver.url('/apps/default'), '--event-types', 'app.event', '--json'])).json;
      const ep = (await ok(['--app', 'cli-acme', 'endpoints', 'create', '--url', receiver.url('/apps/acme'), '--event-types', 'app.event', '--json'])).json;
      expect(ep.applicationId).toBe(app.id);
      const otherEp = (await ok(['endpoints', 'create', '--url', receiver.url('/apps/other'), '--event-types', 'app.event', '--json'], { env: { HOOKLINE_APP: other.id } })).json;
      expect(otherEp.applicationId).toBe(other.id);
      expect(ids((await ok(['--app', 'cli-acme', 'endpoints', 'list', '--json'])).json)).toEqual([ep.id]);
      expect(ids((await ok(['endpoints', 'list', '--json'])).json)).toEqual(expect.arrayContaining([home.id]));
      expect(ids((await ok(['endpoints', 'list', '--json'])).json)).not.toContain(ep.id);
      expect((await ok(['endpoints', 'get', ep.id, '--app', app.id, '--json'])).json).toMatchObject({ id: ep.id, applicationId: app.id });
      expect((await cli(['endpoints', 'get', ep.id])).code).toBe(3);
      expect((await cli(['--app', other.id, 'endpoints', 'get', ep.id])).code).toBe(3);

      const published = (await ok(['--app', 'cli-acme', 'events', 'publish', '-t', 'app.event', '-d', '{"n": 1}', '--json'])).json;
      await waitFor(async () => (await call('GET', `${pipeline.api}/v1/applications/cli-acme/events/${published.id}`, tenant.apiKey)).json.deliveries?.[0]?.status === 'succeeded', {
        timeoutMs: 20_000,
        description: "the event delivered to the application's endpoint",
      });
      const got = (await ok(['--app', 'cli-acme', 'events', 'get', published.id, '--json'])).json;
      expect(got).toMatchObject({ id: published.id, applicationId: app.id, deliveries: [{ endpointId: ep.id, status: 'succeeded', attempts: 1, lastStatusCode: 200 }] });
      expect(got.deliveries).toHaveLength(1);
      expect(receiver.requests.filter((r) => r.headers['webhook-id'] === published.id).map((r) => r.path)).toEqual(['/apps/acme']);
      expect((await cli(['--app', other.id, 'events', 'get', published.id])).code).toBe(3);
      expect(ids((await ok(['--app', 'cli-acme', 'events', 'list', '--json'])).json)).toEqual([published.id]);
      expect(ids((await ok(['--app', other.id, 'events', 'list', '--json'])).json)).toEqual([]);
      const attempts = (await ok(['--app', 'cli-acme', 'events', 'attempts', published.id, '--json'])).json.data;
      expect(attempts).toEqual([expect.objectContaining({ endpointId: ep.id, attempt: 1, outcome: 'succeeded' })]);
      expect((await ok(['--app', 'cli-acme', 'replay', published.id, '--wait', '--json'])).json).toMatchObject({ kind: 'replay', status: 'completed', requeued: 1 });
      await waitFor(() => receiver.requests.filter((r) => r.headers['webhook-id'] === published.id).length === 2, { description: 'the replayed delivery' });
      expect((await ok(['--app', 'cli-acme', 'endpoints', 'health', ep.id, '--json'])).json).toMatchObject({ circuit: 'closed', disabled: false });

      // tail with --app: an event of the default application published first is never shown.
      const tail = start(['--app', 'cli-acme', 'events', 'tail', '--type', 'app.event', '--interval', '200ms', '--max-events', '1', '--json']);
      await waitFor(() => tail.stderr().includes('following events of type app.event of application cli-acme'), { description: 'the tail started' });
      await ok(['events', 'publish', '-t', 'app.event', '-d', '{"n": 2}']);
      const second = (await ok(['--app', 'cli-acme', 'events', 'publish', '-t', 'app.event', '-d', '{"n": 3}', '--json'])).json;
      const run = await tail.done;
      expect(run.code, run.stderr).toBe(0);
      const lines = run.stdout.trim().split('\n').map((l) => JSON.parse(l));
      expect(lines[0]).toMatchObject({ kind: 'event', event: { id: second.id, data: { n: 3 } } });
      expect(lines.at(-1)).toMatchObject({ kind: 'delivery', eventId: second.id, endpointId: ep.id, status: 'succeeded' });

      // dead letters: the tenant-level routes narrowed by application (an unknown one: an empty list, a 404 on redrive).
      expect((await ok(['--app', 'cli-acme', 'dead-letters', 'list', '--json'])).json).toEqual({ data: [], nextCursor: null });
      expect((await ok(['--app', 'cli-acme', 'dead-letters', 'redrive', '--json'])).json).toMatchObject({ redriven: 0 });
      expect((await cli(['--app', 'app_missing', 'dead-letters', 'redrive'])).code).toBe(3);

      // lists: a table for people, the API's page with --json
      const table = (await ok(['applications', 'list'])).stdout;
      expect(table.split('\n')[0]).toMatch(/^ID\s+UID\s+NAME\s+ENDPOINTS\s+DEFAULT$/);
      expect(table).toMatch(new RegExp(`^${app.id}\\s+cli-acme\\s+Acme Corp\\s+1\\s+-$`, 'm'));
      expect(table).toMatch(/^app_\S+\s+-\s+Default\s+\d+\s+yes$/m);
      const listed = (await ok(['apps', 'list', '--limit', '250', '--json'])).json;
      expect(listed).toMatchObject({ nextCursor: null });
      expect(listed.data).toEqual(expect.arrayContaining([expect.objectContaining({ id: app.id, uid: 'cli-acme', endpoints: 1, default: false }), expect.objectContaining({ id: other.id, endpoints: 1 })]));
      expect((await ok(['apps', 'list', '--limit', '1', '--json'])).json).toMatchObject({ data: [{}], nextCursor: expect.any(String) });

      expect((await ok(['applications', 'get', 'cli-acme', '--json'])).json).toMatchObject({ id: app.id, name: 'Acme Corp' });
      expect((await ok(['applications', 'get', app.id])).stdout).toMatch(/^uid\s+cli-acme$/m);
      const renamed = (await ok(['applications', 'update', other.id, '--name', 'Other Inc', '--uid', 'cli-other', '--rate-limit', 'none', '--json'])).json;
      expect(renamed).toMatchObject({ id: other.id, name: 'Other Inc', uid: 'cli-other', rateLimitPerSecond: null });
      expect((await ok(['applications', 'update', 'cli-other', '--no-uid', '--json'])).json).toMatchObject({ id: other.id, uid: null, name: 'Other Inc' });
      expect((await cli(['applications', 'update', other.id])).code).toBe(2);
      expect((await cli(['applications', 'create', '--name', 'x', '--metadata', '[1]'])).code).toBe(2);
    });

    it('prints a portal link scoped to its application; revokes it; deletes applications; unknown applications exit 3', async () => {
      const other = (await ok(['applications', 'list', '--limit', '250', '--json'])).json.data.find((a: { name: string }) => a.name === 'Other Inc');
      const link = await ok(['portal', 'cli-acme', '--expires-in', '2h', '--primary-color', '#4f46e5', '--theme-name', 'Acme', '--theme-mode', 'dark']);
      const url = link.stdout.trim();
      expect(url).toMatch(/^http:\/\/[^\s]+\/portal\/#token=hlp_\S+$/);
      const token = new URL(url).hash.replace(/^#token=/, '');
      const sessionId = /^session (\S+) \(expires /.exec(link.stderr)?.[1];
      expect(sessionId, link.stderr).toBeDefined();
      const current = await call('GET', `${pipeline.api}/v1/portal-sessions/current`, token);
      expect(current.status).toBe(200);
      expect(current.json).toMatchObject({ id: sessionId, application: { uid: 'cli-acme', name: 'Acme Corp' }, readOnly: false, theme: { primaryColor: '#4f46e5', name: 'Acme', mode: 'dark' } });
      const expiresIn = Date.parse(current.json.expiresAt) - Date.now();
      expect(expiresIn).toBeGreaterThan(7_000_000);
      expect(expiresIn).toBeLessThanOrEqual(7_200_000);
      expect((await call('GET', `${pipeline.api}/v1/applications/cli-acme/endpoints`, token)).status).toBe(200);
      expect((await call('GET', `${pipeline.api}/v1/applications/${other.id}/endpoints`, token)).status).toBe(404);
      expect((await call('GET', `${pipeline.api}/v1/endpoints`, token)).status).toBe(401);

      const ro = (await ok(['portal', current.json.applicationId, '--read-only', '--json'])).json;
      expect(ro).toMatchObject({ id: expect.any(String), token: expect.stringMatching(/^hlp_/), readOnly: true, applicationId: current.json.applicationId, expiresAt: expect.any(String) });
      expect(ro.url).toContain(`#token=${ro.token}`);
      expect((await call('POST', `${pipeline.api}/v1/applications/cli-acme/endpoints`, ro.token, { url: receiver.url('/ro') })).status).toBe(403);

      expect((await ok(['portal', 'revoke', 'cli-acme', sessionId!, '--json'])).json).toEqual({ revoked: true, id: sessionId });
      expect((await call('GET', `${pipeline.api}/v1/portal-sessions/current`, token)).status).toBe(401);
      expect((await ok(['portal', 'revoke', 'cli-acme', ro.id])).stdout.trim()).toBe(`revoked ${ro.id}`);
      expect((await cli(['portal', 'revoke', 'cli-acme', ro.id])).code).toBe(3);
      expect((await cli(['portal', 'cli-acme', '--expires-in', 'soon'])).code).toBe(2);
      expect((await cli(['portal', 'cli-acme', '--theme-mode', 'pink'])).code).toBe(2);
      const badColour = await cli(['portal', 'cli-acme', '--primary-color', 'red']);
      expect(badColour).toMatchObject({ code: 1, stderr: expect.stringMatching(/422[\s\S]*theme\.primaryColor/) });

      const deleted = (await ok(['applications', 'delete', 'cli-acme', '--json'])).json;
      expect(deleted).toEqual({ deleted: true, id: current.json.applicationId, uid: 'cli-acme', name: 'Acme Corp' });
      expect((await ok(['apps', 'delete', other.id])).stdout.trim()).toBe(`deleted ${other.id} (Other Inc) with its endpoints`);
      const defaultApp = (await ok(['applications', 'list', '--json'])).json.data.find((a: { default: boolean }) => a.default);
      expect(await cli(['applications', 'delete', defaultApp.id])).toMatchObject({ code: 1, stderr: expect.stringContaining('HKL_APPLICATION_DEFAULT') });

      for (const args of [['applications', 'get', 'cli-acme'], ['applications', 'delete', 'cli-acme'], ['portal', 'cli-acme'], ['--app', 'cli-acme', 'endpoints', 'list'], ['--app', 'cli-acme', 'events', 'publish', '-t', 'app.event']]) {
        expect((await cli(args)).code, args.join(' ')).toBe(3);
      }
      const missing = await cli(['applications', 'get', 'app_missing', '--json']);
      expect(missing.code).toBe(3);
      expect(JSON.parse(missing.stderr).error).toMatchObject({ status: 404 });
    });
  });
  describe('inbound sources', () => {
    it('creates a github source, receives a signed request and lists it; a wrong signature is not verified; rotates the token; deletes', async () => {
      const secret = 'cli-github-secret';
      const created = await ok(['sources', 'create', '--name', 'GitHub org', '--provider', 'github', '--secret', secret]);
      const url = /^url\s+(\S+)$/m.exec(created.stdout)?.[1];
      const id = /^id\s+(src_\S+)$/m.exec(created.stdout)?.[1];
      expect(url, created.stdout).toMatch(/\/in\/hls_/);
      expect(id, created.stdout).toBeDefined();
      expect(created.stderr).toContain('shown only now');

      const github = (target: string, body: string, signWith: string, delivery: string) =>
        fetch(target, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-hub-signature-256': `sha256=${createHmac('sha256', signWith).update(body).digest('hex')}`,
            'x-github-event': 'push',
            'x-github-delivery': delivery,
          },
          body,
        });
      const body = '{"ref":"refs/heads/main", "zen":"Keep it logically awesome."}';
      const accepted = await github(url!, body, secret, 'cli-delivery-1');
      expect(accepted.status).toBe(202);
      const eventId = ((await accepted.json()) as { id: string }).id;
      expect((await github(url!, body, 'not-the-secret', 'cli-delivery-2')).status).toBe(401);

      const logged = await waitFor(
        async () => {
          const page = (await ok(['sources', 'requests', id!, '--json'])).json;
          return page.data.length >= 2 ? page : undefined;
        },
        { description: 'both requests in the source log' },
      );
      expect(logged.data).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ verification: 'verified', status: 202, eventId, eventType: 'push', deliveryId: 'cli-delivery-1', duplicate: false }),
          expect.objectContaining({ verification: 'failed', reason: 'no_match', status: 401, eventId: null }),
        ]),
      );
      const table = (await ok(['sources', 'requests', id!])).stdout.split('\n');
      expect(table[0]).toMatch(/^RECEIVED AT\s+VERIFIED\s+STATUS\s+EVENT ID\s+DUPLICATE$/);
      expect(table.find((l) => l.includes(eventId))).toMatch(/\sverified\s+202\s+\S+\s+no$/);
      expect(table.find((l) => l.includes('failed'))).toMatch(/\sfailed \(no_match\)\s+401\s+-\s+no$/);
      expect((await ok(['sources', 'requests', id!, '--limit', '1', '--json'])).json).toMatchObject({ data: [{}], nextCursor: expect.any(String) });

      const list = (await ok(['sources', 'list'])).stdout.split('\n');
      expect(list[0]).toMatch(/^ID\s+NAME\s+PROVIDER\s+APPLICATION\s+CREATED$/);
      expect(list.find((l) => l.startsWith(id!))).toMatch(/GitHub org\s+github\s+default\s+\d{4}-/);
      const got = (await ok(['sources', 'get', id!, '--json'])).json;
      expect(got).toMatchObject({ id, name: 'GitHub org', provider: 'github', applicationId: null });
      expect(JSON.stringify(got)).not.toContain(secret);
      expect(got).not.toHaveProperty('url');
      const updated = (await ok(['sources', 'update', id!, '--event-type', 'github.push', '--rate-limit', '50', '--allowed-ips', '127.0.0.1/32,::1', '--json'])).json;
      expect(updated).toMatchObject({ eventType: 'github.push', rateLimitPerSecond: 50, allowedIps: ['127.0.0.1/32', '::1'] });
      expect((await ok(['sources', 'update', id!, '--event-type', 'none', '--rate-limit', 'none', '--json'])).json).toMatchObject({ eventType: null, rateLimitPerSecond: null });
      expect((await cli(['sources', 'update', id!])).code).toBe(2);

      const rotatedSecret = (await ok(['sources', 'rotate-secret', id!, '--secret', 'cli-second-secret'])).stdout.trim();
      expect(rotatedSecret).toBe('cli-second-secret');
      expect((await github(url!, '{"n":3}', 'cli-second-secret', 'cli-delivery-3')).status).toBe(202);
      expect((await ok(['sources', 'rotate-secret', id!, '--json'])).json.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);

      const newUrl = (await ok(['sources', 'rotate-token', id!])).stdout.trim();
      expect(newUrl).toMatch(/^http:\/\/\S+\/in\/hls_\S+$/);
      expect(newUrl).not.toBe(url);
      expect((await github(url!, body, secret, 'cli-delivery-4')).status).toBe(404);
      expect((await github(newUrl, body, secret, 'cli-delivery-4')).status).toBe(202);

      expect((await ok(['sources', 'delete', id!])).stdout.trim()).toBe(`deleted ${id}`);
      expect((await cli(['sources', 'get', id!])).code).toBe(3);
      expect((await github(newUrl, body, secret, 'cli-delivery-5')).status).toBe(404);
    });

    it('sends an application with --app; refuses unknown providers (2), bad fields (1) and unknown applications (3)', async () => {
      const app = (await ok(['apps', 'create', '--name', 'Source Co', '--uid', 'cli-source-co', '--json'])).json;
      const created = (await ok(['--app', 'cli-source-co', 'sources', 'create', '--name', 'hooks', '--provider', 'bearer', '--token', 'tok-1', '--header', 'X-Auth', '--json'])).json;
      expect(created).toMatchObject({ id: expect.stringMatching(/^src_/), url: expect.stringContaining('/in/hls_'), applicationId: app.id, provider: 'bearer', verification: { header: 'x-auth' } });
      expect((await ok(['sources', 'list', '--json'])).json.data.map((s: { id: string }) => s.id)).toContain(created.id);
      expect((await ok(['sources', 'update', created.id, '--application', 'default', '--json'])).json).toMatchObject({ applicationId: null });
      expect((await cli(['sources', 'create', '--name', 'x', '--provider', 'gitlab'])).code).toBe(2);
      expect((await cli(['sources', 'create', '--name', 'x'])).code).toBe(2);
      const bad = await cli(['sources', 'create', '--name', 'x', '--provider', 'hmac', '--secret', 's', '--algorithm', 'md5']);
      expect(bad).toMatchObject({ code: 1, stderr: expect.stringMatching(/^error: 4\d\d /) });
      expect((await cli(['sources', 'create', '--name', 'x', '--provider', 'none', '--application', 'cli-no-such-app'])).code).toBe(3);
      expect((await cli(['sources', 'rotate-secret', created.id, '--json'])).code).toBe(0);
      expect((await cli(['sources', 'requests', 'src_missing'])).code).toBe(3);
      expect((await ok(['sources', 'delete', created.id, '--json'])).json).toEqual({ deleted: true, id: created.id });
    });
  });
});

/** A runtime whose output the test reads (for the in-process help walk). */
function fakeRuntime() {
  const stdout = new PassThrough();
  let text = '';
  stdout.on('data', (c: Buffer) => (text += c.toString()));
  return {
    runtime: { stdout, stderr: new PassThrough(), stdin: new PassThrough(), env: {}, interrupt: new AbortController().signal, version: 'test' },
    out: () => text,
  };
}
