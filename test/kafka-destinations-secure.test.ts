import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKafka } from '@hookline/kafka';
import { createLogger } from '@hookline/telemetry';
import { createTestWorld, findSecrets, LogCapture, waitFor, type TestWorld } from '@hookline/testing';
import type { Admin, Consumer, KafkaMessage } from 'kafkajs';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKafka, stopKafka } from '../infra/kafka/launcher.ts';
import { call, createTenant, startPipeline, type Pipeline } from './support/pipeline.ts';
import { TestCa } from './support/test-ca.ts';
import { AddressPolicy } from '@hookline/netguard';
import { KafkaDestinationClient } from '../services/dispatcher/src/deliver/kafka-destination-client.ts';

// The destination: a broker of this file's own with a plaintext listener (for the test's admin and reader) and one
// listener per security protocol a Kafka endpoint can use.
const PORT = 19_592; // and 19_593 for its controller
const SASL_PORT = 19_594;
const SSL_PORT = 19_595;
const SASL_SSL_PORT = 19_596;
const MTLS_PORT = 19_597;
const TOPIC = 'secure-webhooks';
const USER = 'hookline-producer';
const PASSWORD = 'sasl-Password-4c1f9e';

/**
 * Kafka-topic destinations with SASL (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512) and TLS (a CA of the test's own, an
 * unknown CA, mutual TLS) against a real broker configured for them, through the real API → dispatcher → destination:
 * records arrive signed; a wrong password or an untrusted certificate ends in a failed attempt with a clear error,
 * retried like a network error, and a PATCHed password takes effect on the next delivery; neither the password nor the
 * TLS key appears in an API answer or a log line of the services.
 */
describe('Kafka-topic destinations with SASL and TLS', () => {
  let world: TestWorld;
  let home: string;
  let ca: TestCa;
  let clientCert: { certificatePem: string; keyPem: string };
  let plain: string;
  let admin: Admin;
  let pipeline: Pipeline;
  let api: string;
  let tenant: { id: string; apiKey: string };
  const logs = new LogCapture();
  const consumers: Consumer[] = [];
  const seen: KafkaMessage[] = [];

  beforeAll(async () => {
    world = createTestWorld('kafka-destinations-secure');
    home = await mkdtemp(join(tmpdir(), 'hookline-kafka-secure-'));
    ca = new TestCa();
    clientCert = ca.client(USER);
    plain = (await startKafka({
      home,
      port: PORT,
      clean: true,
      extraListeners: [
        { name: 'SASL', port: SASL_PORT, advertisedPort: SASL_PORT, protocol: 'SASL_PLAINTEXT' },
        { name: 'TLS', port: SSL_PORT, advertisedPort: SSL_PORT, protocol: 'SSL' },
        { name: 'SASL_TLS', port: SASL_SSL_PORT, advertisedPort: SASL_SSL_PORT, protocol: 'SASL_SSL' },
        { name: 'MTLS', port: MTLS_PORT, advertisedPort: MTLS_PORT, protocol: 'SSL', clientAuth: true },
      ],
      security: { users: [{ username: USER, password: PASSWORD }], tls: { ...ca.server(), caPem: ca.caPem } },
    })).brokers;
    admin = createKafka({ brokers: plain, clientId: 'kafka-secure-test' }).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 1 }], waitForLeaders: true });
    const reader = createKafka({ brokers: plain, clientId: 'kafka-secure-reader' }).consumer({ groupId: `secure-reader-${Date.now()}`, maxWaitTimeInMs: 200 });
    consumers.push(reader);
    await reader.connect();
    await reader.subscribe({ topic: TOPIC, fromBeginning: true });
    await reader.run({ eachMessage: async ({ message }) => void seen.push(message) });
    pipeline = await startPipeline(world, {
      log: createLogger({ service: 'kafka-secure-test', level: 'debug', destination: logs }),
      env: { LOG_LEVEL: 'debug', ALLOW_PRIVATE_TARGETS: 'false', TARGET_ALLOWLIST: '127.0.0.1/32', RETRY_SCHEDULE: Array(30).fill('1s').join(',') },
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
    ca?.dispose();
    await world?.cleanup();
  });

  const headersOf = (m: KafkaMessage) => Object.fromEntries(Object.entries(m.headers ?? {}).map(([k, v]) => [k, String(v)]));
  const attemptsOf = async (endpointId: string) =>
    (await world.pool.query<{ event_id: string; outcome: string; status: string; next_attempt_at: Date | null; error: string | null }>(
      'SELECT event_id, outcome, status, next_attempt_at, error FROM attempts WHERE endpoint_id = $1 ORDER BY created_at', [endpointId],
    )).rows;
  let typeCount = 0;
  /** A kafka endpoint of its own event type (so each case sees only its deliveries). */
  const endpoint = async (port: number, kafka: Record<string, unknown>) => {
    const type = `ks.case${++typeCount}`;
    const res = await call('POST', `${api}/v1/endpoints`, tenant.apiKey, { type: 'kafka', eventTypes: [type], timeoutMs: 5_000, kafka: { bootstrapServers: [`127.0.0.1:${port}`], topic: TOPIC, ...kafka } });
    expect(res.status, JSON.stringify(res.json)).toBe(201);
    return { id: res.json.id as string, secret: res.json.secret as string, type, json: res.json };
  };
  const publish = async (type: string, data: Record<string, unknown> = {}) => {
    const res = await call('POST', `${api}/v1/events`, tenant.apiKey, { type, data });
    expect(res.status, JSON.stringify(res.json)).toBe(202);
    return res.json.id as string;
  };
  /** Waits for the event's record on the topic and verifies it with a Standard Webhooks implementation nobody here wrote. */
  const arrives = async (eventId: string, secret: string, type: string) => {
    await waitFor(() => seen.some((m) => headersOf(m)['webhook-id'] === eventId), { timeoutMs: 30_000, description: `the record of ${eventId}` });
    const m = seen.find((r) => headersOf(r)['webhook-id'] === eventId)!;
    expect(new Webhook(secret).verify(m.value!.toString(), headersOf(m))).toMatchObject({ id: eventId, type });
  };
  /** The event's first attempts: failed, retried like a network error, with the error recorded. */
  const failsWith = async (endpointId: string, eventId: string, error: RegExp) => {
    await waitFor(async () => (await attemptsOf(endpointId)).filter((a) => a.event_id === eventId).length >= 2, { timeoutMs: 40_000, description: `two failed attempts of ${eventId}` });
    const failed = (await attemptsOf(endpointId)).filter((a) => a.event_id === eventId);
    for (const a of failed) {
      expect(a.outcome).toBe('network_error');
      expect(a.status).toBe('retrying');
      expect(a.next_attempt_at).not.toBeNull();
      expect(a.error).toMatch(error);
    }
    return failed;
  };

  it.each(['plain', 'scram-sha-256', 'scram-sha-512'])('delivers over SASL_PLAINTEXT with %s', { timeout: 60_000 }, async (mechanism) => {
    const ep = await endpoint(SASL_PORT, { sasl: { mechanism, username: USER, password: PASSWORD } });
    expect(ep.json.kafka).toMatchObject({ sasl: { mechanism, username: USER }, tls: false });
    const id = await publish(ep.type, { mechanism });
    await arrives(id, ep.secret, ep.type);
    await waitFor(async () => (await attemptsOf(ep.id)).some((a) => a.event_id === id && a.outcome === 'succeeded'), { timeoutMs: 20_000, description: 'a succeeded attempt' });
  });

  it('a wrong password fails the attempt with the broker\'s answer and is retried; the PATCHed password is used on the next delivery', { timeout: 90_000 }, async () => {
    const ep = await endpoint(SASL_PORT, { sasl: { mechanism: 'scram-sha-256', username: USER, password: 'not-the-password' } });
    const id = await publish(ep.type);
    await failsWith(ep.id, id, /^KafkaJSSASLAuthenticationError: SASL SCRAM SHA256 authentication failed: .*invalid credentials/);
    const healthz = await fetch(`http://127.0.0.1:${pipeline.ports.dispatcher}/healthz`);
    expect(healthz.status).toBe(200);

    const patched = await call('PATCH', `${api}/v1/endpoints/${ep.id}`, tenant.apiKey, { kafka: { bootstrapServers: [`127.0.0.1:${SASL_PORT}`], topic: TOPIC, sasl: { mechanism: 'scram-sha-256', username: USER, password: PASSWORD } } });
    expect(patched.status, JSON.stringify(patched.json)).toBe(200);
    await arrives(id, ep.secret, ep.type);
    await waitFor(async () => (await attemptsOf(ep.id)).some((a) => a.event_id === id && a.outcome === 'succeeded'), { timeoutMs: 20_000, description: 'the retry succeeded' });
  });

  it('a destination whose SASL does not match the listener fails with a clear error, not a hang', { timeout: 90_000 }, async () => {
    // SASL settings for a plaintext listener: the broker's protocol error by its name, not its number.
    const extra = await endpoint(PORT, { sasl: { mechanism: 'plain', username: USER, password: PASSWORD } });
    await failsWith(extra.id, await publish(extra.type), /^ILLEGAL_SASL_STATE: Request is not valid given the current SASL state$/);
    // No SASL for a listener that requires it: the broker closes the connection.
    const missing = await endpoint(SASL_PORT, {});
    await failsWith(missing.id, await publish(missing.type), /^KafkaJSConnectionClosedError: Closed connection \(broker 127\.0\.0\.1:19594\)$/);
  });

  it('delivers over TLS verified against the given CA', { timeout: 60_000 }, async () => {
    const ep = await endpoint(SSL_PORT, { tls: { ca: ca.caPem } });
    expect(ep.json.kafka.tls).toEqual({ ca: ca.caPem, hasClientKey: false });
    const id = await publish(ep.type);
    await arrives(id, ep.secret, ep.type);
  });

  it('refuses a broker certificate of an unknown CA with a clear attempt error, unless rejectUnauthorized is false', { timeout: 90_000 }, async () => {
    const untrusted = await endpoint(SSL_PORT, { tls: true });
    const id = await publish(untrusted.type);
    // The socket's code and reason, once: not kafkajs's wrappers repeating it, nor Node's advice to whoever runs the process.
    const unverified = /^UNABLE_TO_VERIFY_LEAF_SIGNATURE: unable to verify the first certificate \(broker 127\.0\.0\.1:19595\)$/;
    await failsWith(untrusted.id, id, unverified);

    const other = new TestCa('another CA');
    try {
      const wrongCa = await endpoint(SSL_PORT, { tls: { ca: other.caPem } });
      await failsWith(wrongCa.id, await publish(wrongCa.type), unverified);
    } finally {
      other.dispose();
    }

    const unchecked = await endpoint(SSL_PORT, { tls: { rejectUnauthorized: false } });
    await arrives(await publish(unchecked.type), unchecked.secret, unchecked.type);
  });

  it('delivers over SASL_SSL with SCRAM-SHA-512 and the CA', { timeout: 60_000 }, async () => {
    const ep = await endpoint(SASL_SSL_PORT, { sasl: { mechanism: 'scram-sha-512', username: USER, password: PASSWORD }, tls: { ca: ca.caPem } });
    await arrives(await publish(ep.type), ep.secret, ep.type);
  });

  it('mutual TLS: the broker refuses a client without a certificate and accepts the endpoint\'s cert and key', { timeout: 90_000 }, async () => {
    const without = await endpoint(MTLS_PORT, { tls: { ca: ca.caPem } });
    const id = await publish(without.type);
    await failsWith(without.id, id, /^ERR_SSL_\S*ALERT_BAD_CERTIFICATE: ssl\/tls alert bad certificate \(broker 127\.0\.0\.1:19597\)$/);

    const ep = await endpoint(MTLS_PORT, { tls: { ca: ca.caPem, cert: clientCert.certificatePem, key: clientCert.keyPem } });
    expect(ep.json.kafka.tls).toEqual({ ca: ca.caPem, cert: clientCert.certificatePem, hasClientKey: true });
    await arrives(await publish(ep.type), ep.secret, ep.type);
  });

  it('the dispatcher\'s client: TLS to a broker named by host name (verified against the name, the SSRF check on its resolved address)', { timeout: 60_000 }, async () => {
    const client = new KafkaDestinationClient({ policy: new AddressPolicy({ allowPrivate: true, allowlist: [] }), log: createLogger({ service: 'test', level: 'warn' }), clientId: 'kafka-secure-test' });
    const refusing = new KafkaDestinationClient({ policy: new AddressPolicy({ allowPrivate: false, allowlist: [] }), log: createLogger({ service: 'test', level: 'warn' }), clientId: 'kafka-secure-test' });
    try {
      const destination = { bootstrapServers: [`localhost:${SASL_SSL_PORT}`], topic: TOPIC, key: 'eventId', sasl: { mechanism: 'scram-sha-512' as const, username: USER, password: PASSWORD }, tls: { ca: ca.caPem } };
      const record = { key: 'k', value: '{"by":"name"}', headers: { 'webhook-id': 'msg_by_name' } };
      expect((await client.send('ep_name', destination, record, 10_000)).result).toEqual({ kind: 'produced' });
      await waitFor(() => seen.some((m) => headersOf(m)['webhook-id'] === 'msg_by_name'), { timeoutMs: 20_000, description: 'the record sent by host name' });
      expect((await refusing.send('ep_name', destination, record, 10_000)).result).toMatchObject({ kind: 'ssrf_blocked', message: expect.stringContaining('localhost resolves to') });
    } finally {
      await Promise.all([client.close(), refusing.close()]);
    }
  });

  it('is in the OpenAPI document: the SASL mechanisms and the TLS settings, described', async () => {
    const doc = (await call('GET', `${api}/openapi.json`)).json;
    const create = JSON.stringify(doc.paths['/v1/endpoints'].post);
    expect(create).toMatch(/"rejectUnauthorized":\{[^}]*"description":"false: do not verify the brokers' certificates/);
    expect(create).toContain('A wrong password fails the attempt');
    expect(create).toContain('Client private key (PEM). Write-only');
  });

  it('never shows the password or the TLS key: not in API answers, not in the services\' logs', { timeout: 30_000 }, async () => {
    const listed = await call('GET', `${api}/v1/endpoints?limit=100`, tenant.apiKey);
    expect(listed.status).toBe(200);
    const secrets = [PASSWORD, clientCert.keyPem.split('\n')[1]!];
    expect(findSecrets(JSON.stringify(listed.json), secrets, { shapes: false })).toEqual([]);
    // Nor in the attempts' recorded errors (the wrong password's and the refused handshakes' among them).
    const { rows } = await world.pool.query<{ error: string | null }>('SELECT a.error FROM attempts a JOIN endpoints e ON e.id = a.endpoint_id WHERE e.tenant_id = $1', [tenant.id]);
    expect(rows.some((r) => r.error !== null)).toBe(true);
    expect(findSecrets(rows.map((r) => r.error ?? '').join('\n'), secrets, { shapes: false })).toEqual([]);
    expect(logs.lines.length).toBeGreaterThan(0);
    expect(findSecrets(logs.text, secrets, { shapes: false })).toEqual([]);
  });
});
