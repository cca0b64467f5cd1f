import { randomBytes } from 'node:crypto';
import { createLogger } from '@hookline/telemetry';
import { createTestWorld, findSecrets, LogCapture, Receiver, waitFor, type TestWorld } from '@hookline/testing';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTenant, startPipeline, type ApiResponse, type Pipeline } from './support/pipeline.ts';

const newSecret = () => `whsec_${randomBytes(32).toString('base64')}`;

describe('secrets: no API key or signing secret in the database, the logs, or read responses', () => {
  let world: TestWorld;
  let pipeline: Pipeline;
  let receiver: Receiver;
  let api: string;
  const logs = new LogCapture();
  let log: ReturnType<typeof createLogger>;
  const apiKeys: string[] = [];
  const signingSecrets: string[] = [];
  /** Every response of a read, list or update route, to scan. */
  const reads: Array<{ route: string; res: ApiResponse }> = [];
  const read = async (route: string, res: Promise<ApiResponse>) => {
    const r = await res;
    reads.push({ route, res: r });
    return r;
  };

  beforeAll(async () => {
    world = createTestWorld('secrets');
    receiver = await Receiver.start();
    // The flaky endpoint fails its first attempt, so attempts with recorded request headers include a retry.
    let flaky = 0;
    receiver.respondWith((r) => (r.path === '/flaky' && flaky++ === 0 ? { status: 500, body: 'try again' } : { status: 200, body: 'ok' }));
    // Everything the services log, at debug, into memory (the same logger and redaction as production).
    log = createLogger({ service: 'secrets-test', level: 'debug', destination: logs });
    pipeline = await startPipeline(world, { log, env: { RETRY_SCHEDULE: '100ms,200ms', LOG_LEVEL: 'debug' } });
    api = pipeline.api;
  });
  afterAll(async () => {
    await pipeline?.stop();
    await receiver?.close();
    await world?.cleanup();
  });

  it('creates keys and secrets, delivers with them, and finds none of them where they must not be', { timeout: 90_000 }, async () => {
    const admin = world.env.ADMIN_TOKEN!;
    const a = await createTenant(api, admin, 'secrets-a');
    const b = await createTenant(api, admin, 'secrets-b');
    apiKeys.push(a.apiKey, b.apiKey);
    const extra = await call('POST', `${api}/v1/tenants/${a.id}/api-keys`, admin);
    expect(extra.status).toBe(201);
    apiKeys.push(extra.json.apiKey);
    const revoked = await call('POST', `${api}/v1/tenants/${b.id}/api-keys`, admin);
    apiKeys.push(revoked.json.apiKey);
    expect((await call('DELETE', `${api}/v1/tenants/${b.id}/api-keys/${revoked.json.id}`, admin)).status).toBe(204);

    // Endpoints: a supplied secret, a generated one, one rotated to a supplied and one to a generated secret.
    const supplied = newSecret();
    const e1 = (await call('POST', `${api}/v1/endpoints`, a.apiKey, { url: receiver.url('/one'), secret: supplied, description: 'supplied' })).json;
    const e2 = (await call('POST', `${api}/v1/endpoints`, a.apiKey, { url: receiver.url('/flaky'), headers: { 'x-team': 'payments' } })).json;
    const e3 = (await call('POST', `${api}/v1/endpoints`, b.apiKey, { url: receiver.url('/three') })).json;
    signingSecrets.push(supplied, e2.secret, e3.secret);
    const rotatedTo = newSecret();
    const r1 = await call('POST', `${api}/v1/endpoints/${e1.id}/secret/rotate`, a.apiKey, { secret: rotatedTo });
    const r3 = await call('POST', `${api}/v1/endpoints/${e3.id}/secret/rotate`, b.apiKey, {});
    expect([r1.status, r3.status]).toEqual([200, 200]);
    signingSecrets.push(r1.json.secret, r3.json.secret);
    expect(signingSecrets.every((s) => s.startsWith('whsec_'))).toBe(true);

    // Hostile and mistaken use: keys where they do not belong, a secret in an update, a revoked key.
    expect([401, 403]).toContain((await call('POST', `${api}/v1/tenants`, a.apiKey, { name: 'x' })).status);
    expect((await call('GET', `${api}/v1/endpoints`, revoked.json.apiKey)).status).toBe(401);
    expect((await call('PATCH', `${api}/v1/endpoints/${e1.id}`, a.apiKey, { secret: newSecret() })).status).toBe(422);
    expect((await call('GET', `${api}/v1/endpoints`, `${a.apiKey}x`)).status).toBe(401);

    // Deliveries (signed with both secrets during the rotation), a retry, the attempts recorded.
    const published = await Promise.all([
      call('POST', `${api}/v1/events`, a.apiKey, { type: 'secret.test', data: { n: 1 } }),
      call('POST', `${api}/v1/events`, b.apiKey, { type: 'secret.test', data: { n: 2 } }),
    ]);
    const [ea, eb] = published.map((p) => p.json.id as string);
    const got = await receiver.waitForRequests(4, { match: (r) => r.headers['webhook-id'] === ea || r.headers['webhook-id'] === eb });
    const one = got.find((r) => r.path === '/one')!;
    for (const s of [supplied, rotatedTo]) expect(new Webhook(s).verify(one.body, one.headers as Record<string, string>)).toBeTruthy();
    await waitFor(async () => (await call('GET', `${api}/v1/events/${ea}/attempts`, a.apiKey)).json.data?.length >= 3, { timeoutMs: 20_000, description: 'attempts recorded' });

    // Read, list and update responses.
    for (const [key, ids] of [[a.apiKey, [e1.id, e2.id]], [b.apiKey, [e3.id]]] as const) {
      await read('GET /v1/endpoints', call('GET', `${api}/v1/endpoints`, key));
      for (const id of ids) {
        await read('GET /v1/endpoints/{id}', call('GET', `${api}/v1/endpoints/${id}`, key));
        await read('PATCH /v1/endpoints/{id}', call('PATCH', `${api}/v1/endpoints/${id}`, key, { description: 'patched' }));
        await read('GET /v1/endpoints/{id}/health', call('GET', `${api}/v1/endpoints/${id}/health`, key));
      }
    }
    await read('GET /v1/events', call('GET', `${api}/v1/events`, a.apiKey));
    await read('GET /v1/events/{id}', call('GET', `${api}/v1/events/${ea}`, a.apiKey));
    await read('GET /v1/events/{id}/attempts', call('GET', `${api}/v1/events/${ea}/attempts`, a.apiKey));
    await read('GET /v1/events/{id}/attempts', call('GET', `${api}/v1/events/${eb}/attempts`, b.apiKey));
    await read('GET /v1/dead-letters', call('GET', `${api}/v1/dead-letters`, a.apiKey));
    await read('GET /v1/event-types', call('GET', `${api}/v1/event-types`, a.apiKey));
    for (const { route, res } of reads) {
      expect(res.status, route).toBe(200);
      expect(findSecrets(JSON.stringify(res.json), [...signingSecrets, ...apiKeys]), route).toEqual([]);
      expect(JSON.stringify(res.json), route).not.toMatch(/"secrets?":/);
    }
    // Only the secret route itself shows the current secret.
    expect((await call('GET', `${api}/v1/endpoints/${e1.id}/secret`, a.apiKey)).json.secret).toBe(rotatedTo);

    // The database: every text, jsonb and bytea column of every table in this world's schema.
    const columns = (
      await world.pool.query<{ table_name: string; column_name: string; data_type: string }>(
        `SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c
           JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
          WHERE c.table_schema = $1 AND t.table_type = 'BASE TABLE'
            AND c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'bytea', 'ARRAY')`,
        [world.schema],
      )
    ).rows;
    expect(columns.length).toBeGreaterThan(20);
    let cells = 0;
    const dbFindings: string[] = [];
    for (const c of columns) {
      const expr = c.data_type === 'bytea' ? `encode("${c.column_name}", 'escape')` : `"${c.column_name}"::text`;
      const rows = (await world.pool.query<{ v: string | null }>(`SELECT ${expr} AS v FROM "${world.schema}"."${c.table_name}"`)).rows;
      cells += rows.length;
      const text = rows.map((r) => r.v ?? '').join('\n');
      for (const f of findSecrets(text, [...signingSecrets, ...apiKeys, admin])) dbFindings.push(`${c.table_name}.${c.column_name}: ${f.form} ${f.secret}`);
    }
    expect(dbFindings).toEqual([]);

    // The logs of the three services during all of this.
    expect(logs.lines.length).toBeGreaterThan(5);
    const logFindings = findSecrets(logs.text, [...signingSecrets, ...apiKeys, admin, world.env.ENCRYPTION_KEY!]);
    expect(logFindings.map((f) => `line ${f.line}: ${f.form} ${f.secret} in ${f.context}`)).toEqual([]);
    // Control: the capture and the scan do see a leak — a secret under a field the logger does not redact — while
    // the fields it redacts (apiKey, secret, authorization) stay clean.
    const before = logs.lines.length;
    log.info({ apiKey: apiKeys[0], secret: signingSecrets[0], headers: { authorization: `Bearer ${apiKeys[1]}` } }, 'redacted fields');
    log.info({ note: signingSecrets[1] }, 'a leak on purpose');
    const control = findSecrets(logs.lines.slice(before).join('\n'), [...signingSecrets, ...apiKeys]);
    expect(control.map((f) => [f.line, f.form])).toEqual([[2, 'plaintext']]);
    console.log(
      `secrets: ${apiKeys.length} API keys, ${signingSecrets.length} signing secrets, admin token, encryption key; scanned ${reads.length} responses, ` +
        `${columns.length} columns (${cells} cells) and ${logs.lines.length} log lines (debug): 0 found`,
    );
  });
});
