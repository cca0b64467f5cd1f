import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKafka } from '@hookline/kafka';
import { createTestWorld, waitFor, type TestWorld } from '@hookline/testing';
import type { Admin, Consumer, KafkaMessage } from 'kafkajs';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKafka, stopKafka } from '../infra/kafka/launcher.ts';
import { AddressPolicy } from '@hookline/netguard';
import { createLogger } from '@hookline/telemetry';
import { KafkaDestinationClient } from '../services/dispatcher/src/deliver/kafka-destination-client.ts';
import { call, createTenant, startPipeline, type Pipeline } from './support/pipeline.ts';

// The destination: a Kafka broker of this file's own (another port, another data dir), which the test stops and starts.
const DEST_PORT = 19_492; // and 19_493 for its controller
const TOPIC = 'customer-webhooks';

/**
 * Kafka-topic destinations (issue 22) against the real stack (ingest, dispatcher, tracker, PostgreSQL, the shared
 * broker) and a second real broker as the destination: records arrive with the endpoint's key, the webhook body and
 * the Standard Webhooks headers, verifiable with `standardwebhooks`; a stopped destination broker sends deliveries to
 * a retry tier and they arrive once it is back; validation, secrets encrypted and never shown, the SSRF policy on
 * save and at connect time. The services run with ALLOW_PRIVATE_TARGETS=false and TARGET_ALLOWLIST=127.0.0.1/32: the
 * loopback destination broker is allowed, any other loopback address (127.0.0.2) is refused.
 */
describe('Kafka-topic destinations', () => {
  let world: TestWorld;
  let home: string;
  let dest: string;
  let admin: Admin;
  let pipeline: Pipeline;
  let api: string;
  let tenant: { id: string; apiKey: string };
  const consumers: Consumer[] = [];

  beforeAll(async () => {
    world = createTestWorld('kafka-destinations');
    home = await mkdtemp(join(tmpdir(), 'hookline-kafka-destination-'));
    dest = (await startKafka({ home, port: DEST_PORT })).brokers;
    admin = createKafka({ brokers: dest, clientId: 'kafka-destinations-test' }).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 3 }], waitForLeaders: true });
    pipeline = await startPipeline(world, {
      env: { ALLOW_PRIVATE_TARGETS: 'false', TARGET_ALLOWLIST: '127.0.0.1/32', RETRY_SCHEDULE: '1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s' },
    });
    api = pipeline.api;
    tenant = await createTenant(api, world.env.ADMIN_TOKEN!);
  }, 180_000);
  afterAll(async () => {
    await Promise.allSettled(consumers.map((c) => c.disconnect()));
    await admin?.disconnect().catch(() => {});
    await pipeline?.stop();
    await stopKafka({ home, clean: true }).catch(() => {});
    await rm(home, { recursive: true, force: true });
    await world?.cleanup();
  });

  /** Every record on the destination topic, from the beginning, as it arrives. */
  const readTopic = async (): Promise<KafkaMessage[]> => {
    const seen: KafkaMessage[] = [];
    const consumer = createKafka({ brokers: dest, clientId: 'kafka-destinations-reader' }).consumer({ groupId: `reader-${Date.now()}-${consumers.length}`, maxWaitTimeInMs: 200 });
    consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(message) });
    return seen;
  };
  const headersOf = (m: KafkaMessage) => Object.fromEntries(Object.entries(m.headers ?? {}).map(([k, v]) => [k, String(v)]));
  const publish = async (type: string, data: Record<string, unknown>) => {
    const res = await call('POST', `${api}/v1/events`, tenant.apiKey, { type, data });
    expect(res.status, JSON.stringify(res.json)).toBe(202);
    return res.json.id as string;
  };
  const attemptsOf = async (endpointId: string) =>
    (await world.pool.query<{ event_id: string; outcome: string; status: string; next_attempt_at: Date | null; error: string | null }>(
      'SELECT event_id, outcome, status, next_attempt_at, error FROM attempts WHERE endpoint_id = $1 ORDER BY created_at', [endpointId],
    )).rows;
  const kafkaEndpoint = (extra: Record<string, unknown> = {}, kafka: Record<string, unknown> = {}) =>
    call('POST', `${api}/v1/endpoints`, tenant.apiKey, { type: 'kafka', eventTypes: ['kd.signed'], kafka: { bootstrapServers: [dest], topic: TOPIC, ...kafka }, ...extra });

  it('produces the signed webhook body to the topic, keyed as configured, with the Standard Webhooks headers as record headers', { timeout: 90_000 }, async () => {
    const ep = await kafkaEndpoint({}, { key: 'customer.id' });
    expect(ep.status, JSON.stringify(ep.json)).toBe(201);
    expect(ep.json).toMatchObject({ type: 'kafka', kafka: { bootstrapServers: [dest], topic: TOPIC, key: 'customer.id', sasl: null, tls: false } });
    const secret = ep.json.secret as string;
    const seen = await readTopic();

    const ids = [await publish('kd.signed', { customer: { id: 'cus_1' }, n: 1 }), await publish('kd.signed', { customer: { id: 'cus_2' }, n: 2 }), await publish('kd.signed', { n: 3 })];
    await waitFor(() => ids.every((id) => seen.some((m) => headersOf(m)['webhook-id'] === id)), { timeoutMs: 30_000, description: 'three records on the destination topic' });
    const byId = new Map(seen.map((m) => [headersOf(m)['webhook-id'], m]));
    for (const [i, id] of ids.entries()) {
      const m = byId.get(id)!;
      const headers = headersOf(m);
      expect(headers['content-type']).toBe('application/json');
      expect(headers['webhook-timestamp']).toMatch(/^\d+$/);
      expect(headers['webhook-signature']).toMatch(/^v1,/);
      expect(headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
      expect(headers['user-agent']).toBeUndefined();
      // Verified by a Standard Webhooks implementation nobody here wrote, over the record's value.
      const body = new Webhook(secret).verify(m.value!.toString(), headers) as { id: string; type: string; data: Record<string, unknown> };
      expect(body).toMatchObject({ id, type: 'kd.signed', data: { n: i + 1 } });
      expect(m.key?.toString() ?? null).toBe(i === 2 ? null : `cus_${i + 1}`);
    }
    // Recorded as any delivery: one succeeded attempt each, the endpoint's history shows them.
    await waitFor(async () => (await attemptsOf(ep.json.id)).length === 3, { timeoutMs: 20_000, description: 'three attempts recorded' });
    expect((await attemptsOf(ep.json.id)).map((a) => [a.outcome, a.status])).toEqual(Array(3).fill(['succeeded', 'succeeded']));
    const history = await call('GET', `${api}/v1/events/${ids[0]}/attempts`, tenant.apiKey);
    expect(history.status, JSON.stringify(history.json)).toBe(200);
    expect(JSON.stringify(history.json)).toContain('succeeded');
  });

  it('keys by event id by default; a stopped destination broker sends deliveries to a retry tier and they arrive once it is back', { timeout: 150_000 }, async () => {
    const ep = await call('POST', `${api}/v1/endpoints`, tenant.apiKey, { type: 'kafka', eventTypes: ['kd.outage'], timeoutMs: 3_000, kafka: { bootstrapServers: [dest], topic: TOPIC } });
    expect(ep.status, JSON.stringify(ep.json)).toBe(201);
    const seen = await readTopic();
    const first = await publish('kd.outage', { n: 1 });
    await waitFor(() => seen.some((m) => m.key?.toString() === first), { timeoutMs: 30_000, description: 'the first record, keyed by event id' });

    await stopKafka({ home });
    const during = await publish('kd.outage', { n: 2 });
    await waitFor(async () => (await attemptsOf(ep.json.id)).filter((a) => a.event_id === during).length >= 2, { timeoutMs: 60_000, description: 'failed attempts while the broker is down' });
    const failed = (await attemptsOf(ep.json.id)).filter((a) => a.event_id === during);
    for (const a of failed) {
      expect(['network_error', 'timeout']).toContain(a.outcome);
      expect(a.status).toBe('retrying');
      expect(a.next_attempt_at).not.toBeNull();
    }

    await startKafka({ home, port: DEST_PORT });
    await waitFor(async () => (await attemptsOf(ep.json.id)).some((a) => a.event_id === during && a.outcome === 'succeeded'), { timeoutMs: 90_000, intervalMs: 500, description: 'delivered after the broker is back' });
    await waitFor(() => seen.some((m) => m.key?.toString() === during), { timeoutMs: 30_000, description: 'the record on the topic' });
  });

  it('validates the destination (422 with the path), keeps the SASL password and TLS key encrypted and never shows them', { timeout: 60_000 }, async () => {
    const problems: Array<[unknown, string]> = [
      [{ type: 'kafka' }, 'kafka'],
      [{ type: 'kafka', url: 'https://example.com/x', kafka: { bootstrapServers: [dest], topic: TOPIC } }, 'url'],
      [{ url: 'https://example.com/x', kafka: { bootstrapServers: [dest], topic: TOPIC } }, 'kafka'],
      [{ type: 'kafka', kafka: { bootstrapServers: ['no-port'], topic: TOPIC } }, 'kafka.bootstrapServers.0'],
      [{ type: 'kafka', kafka: { bootstrapServers: [], topic: TOPIC } }, 'kafka.bootstrapServers'],
      [{ type: 'kafka', kafka: { bootstrapServers: [dest], topic: 'bad topic' } }, 'kafka.topic'],
      [{ type: 'kafka', kafka: { bootstrapServers: [dest], topic: TOPIC, key: 'a..b' } }, 'kafka.key'],
      [{ type: 'kafka', kafka: { bootstrapServers: [dest], topic: TOPIC, sasl: { mechanism: 'gssapi', username: 'u', password: 'p' } } }, 'kafka.sasl.mechanism'],
      [{ type: 'kafka', kafka: { bootstrapServers: [dest], topic: TOPIC, sasl: { mechanism: 'plain', username: 'u' } } }, 'kafka.sasl.password'],
      [{ type: 'queue' }, 'type'],
      [{}, 'url'],
    ];
    for (const [body, path] of problems) {
      const res = await call('POST', `${api}/v1/endpoints`, tenant.apiKey, body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(String(res.headers['content-type'])).toContain('application/problem+json');
      expect(res.json.errors.map((e: { path: string }) => e.path), JSON.stringify(body)).toContain(path);
    }

    const password = 'scram-password-Zq81';
    const key = '-----BEGIN PRIVATE KEY-----\nTUlJQ2tleQ==\n-----END PRIVATE KEY-----';
    const cert = '-----BEGIN CERTIFICATE-----\nTUlJQ2NlcnQ=\n-----END CERTIFICATE-----';
    const ep = await kafkaEndpoint({}, { sasl: { mechanism: 'scram-sha-512', username: 'hookline', password }, tls: { cert, key } });
    expect(ep.status, JSON.stringify(ep.json)).toBe(201);
    const expected = { sasl: { mechanism: 'scram-sha-512', username: 'hookline' }, tls: { cert, hasClientKey: true } };
    expect(ep.json.kafka).toMatchObject(expected);
    const got = await call('GET', `${api}/v1/endpoints/${ep.json.id}`, tenant.apiKey);
    expect(got.json.kafka).toMatchObject(expected);
    const listed = await call('GET', `${api}/v1/endpoints?limit=100`, tenant.apiKey);
    for (const text of [JSON.stringify(ep.json), JSON.stringify(got.json), JSON.stringify(listed.json)]) {
      expect(text).not.toContain(password);
      expect(text).not.toContain('TUlJQ2tleQ');
    }
    const { rows } = await world.pool.query<{ kafka: unknown }>('SELECT kafka FROM endpoints WHERE id = $1', [ep.json.id]);
    expect(JSON.stringify(rows[0]!.kafka)).not.toContain(password);
    expect(JSON.stringify(rows[0]!.kafka)).not.toContain('TUlJQ2tleQ');
    expect(rows[0]!.kafka).toMatchObject({ sasl: { mechanism: 'scram-sha-512', username: 'hookline', passwordCiphertext: expect.any(String) }, tls: { keyCiphertext: expect.any(String) } });

    // PATCH: a url on a kafka endpoint, kafka settings on an http one, and a new destination replaces the old.
    expect((await call('PATCH', `${api}/v1/endpoints/${ep.json.id}`, tenant.apiKey, { url: 'https://example.com/x' })).status).toBe(422);
    const http = await call('POST', `${api}/v1/endpoints`, tenant.apiKey, { url: 'https://example.com/hook' });
    expect(http.json).toMatchObject({ type: 'http', kafka: null });
    const wrong = await call('PATCH', `${api}/v1/endpoints/${http.json.id}`, tenant.apiKey, { kafka: { bootstrapServers: [dest], topic: TOPIC } });
    expect(wrong.status).toBe(422);
    expect(wrong.json.errors).toEqual([{ path: 'kafka', message: 'only a kafka endpoint has kafka settings' }]);
    const patched = await call('PATCH', `${api}/v1/endpoints/${ep.json.id}`, tenant.apiKey, { kafka: { bootstrapServers: [dest], topic: 'other-topic', key: 'orderingKey' } });
    expect(patched.status, JSON.stringify(patched.json)).toBe(200);
    expect(patched.json.kafka).toEqual({ bootstrapServers: [dest], topic: 'other-topic', key: 'orderingKey', sasl: null, tls: false });
  });

  it('keeps one producer per destination cluster: bounded, closed when an endpoint moves to another cluster or when idle', { timeout: 60_000 }, async () => {
    const client = new KafkaDestinationClient({
      policy: new AddressPolicy({ allowPrivate: true, allowlist: [] }), log: createLogger({ service: 'test', level: 'warn' }),
      clientId: 'kafka-destinations-test', maxClusters: 2, idleMs: 1_500,
    });
    try {
      const port = dest.slice(dest.lastIndexOf(':') + 1);
      const destination = (servers: string[]) => ({ bootstrapServers: servers, topic: TOPIC, key: 'eventId', sasl: null, tls: null });
      const record = { key: 'k', value: '{}', headers: { 'webhook-id': 'msg_1' } };
      const send = async (endpointId: string, servers: string[]) => expect((await client.send(endpointId, destination(servers), record, 10_000)).result).toEqual({ kind: 'produced' });
      await send('ep_a', [dest]);
      await send('ep_b', [dest]); // the same cluster: the same producer
      expect(client.openClusters).toBe(1);
      await send('ep_c', [`localhost:${port}`]);
      expect(client.openClusters).toBe(2);
      await send('ep_d', [dest, `localhost:${port}`]); // over the bound: the least recently used one is closed
      expect(client.openClusters).toBe(2);
      await send('ep_d', [`127.0.0.1:${port}`, `localhost:${port}`]); // ep_d moved: its old cluster, used by no other endpoint, is closed
      expect(client.openClusters).toBe(2);
      await waitFor(() => client.openClusters === 0, { timeoutMs: 10_000, description: 'idle producers closed' });
    } finally {
      await client.close();
    }
  });

  it('is in the OpenAPI document: type and kafka on create, update and in the endpoint (without the password)', async () => {
    const doc = (await call('GET', `${api}/openapi.json`)).json;
    for (const base of ['/v1/endpoints', '/v1/applications/{app}/endpoints']) {
      const create = JSON.stringify(doc.paths[base].post);
      expect(create, base).toMatch(/"enum":\["http","kafka","pull"\]/);
      expect(create, base).toContain('"bootstrapServers"');
      expect(create, base).toMatch(/"enum":\["plain","scram-sha-256","scram-sha-512"\]/);
      expect(JSON.stringify(doc.paths[`${base}/{id}`].patch.requestBody), base).toContain('"bootstrapServers"');
      const shown = JSON.stringify(doc.paths[`${base}/{id}`].get.responses['200']);
      expect(shown, base).toContain('"hasClientKey"');
      expect(shown, base).not.toContain('"password"');
    }
  });

  it('applies the SSRF policy to the brokers: refused on save, and at connect time', { timeout: 60_000 }, async () => {
    const refused = await kafkaEndpoint({}, { bootstrapServers: [dest, `127.0.0.2:${DEST_PORT}`] });
    expect(refused.status).toBe(422);
    expect(refused.json.errors).toEqual([{ path: 'kafka.bootstrapServers.1', message: expect.stringContaining('disallowed address') }]);

    // A destination saved while allowed, then pointed (behind the API's back) at a refused address: the dispatcher
    // checks the address it connects to, and the delivery fails at once as ssrf_blocked.
    const ep = await kafkaEndpoint({ eventTypes: ['kd.ssrf'] });
    expect(ep.status).toBe(201);
    await world.pool.query(`UPDATE endpoints SET kafka = jsonb_set(kafka, '{bootstrapServers}', $2::jsonb), updated_at = now() WHERE id = $1`, [ep.json.id, JSON.stringify([`127.0.0.2:${DEST_PORT}`])]);
    await waitFor(async () => {
      await publish('kd.ssrf', { n: 1 });
      return (await attemptsOf(ep.json.id)).some((a) => a.outcome === 'ssrf_blocked');
    }, { timeoutMs: 30_000, intervalMs: 2_000, description: 'an ssrf_blocked attempt' });
    const blocked = (await attemptsOf(ep.json.id)).find((a) => a.outcome === 'ssrf_blocked')!;
    expect(blocked.status).toBe('failed');
    expect(blocked.error).toContain('127.0.0.2');
  });
});
