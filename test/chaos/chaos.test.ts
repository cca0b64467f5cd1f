import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execFileSync } from 'node:child_process';
import { groupIds, topicNames } from '@hookline/contracts';
import { createPool, generateEncryptionKey, migrate } from '@hookline/db';
import { createKafka } from '@hookline/kafka';
import { findSecrets, waitFor } from '@hookline/testing';
import type { Admin, Kafka } from 'kafkajs';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyse, duplicateTimings, type AttemptRow, type DeliveryRow, type Fault } from './analysis.ts';
import { api, retrying } from './api.ts';
import { freePort } from '../support/service-processes.ts';
import { ChaosInfra } from './chaos-infra.ts';
import { injectFaults } from './faults.ts';
import { consumerLag, readTopic } from './kafka-views.ts';
import { ChaosReceiver, type ReceiverKind } from './receivers.ts';
import { ServiceProcess } from './services.ts';
import { chaosSize, publishSeconds } from './sizes.ts';

const size = chaosSize(process.env.CHAOS_SIZE);
const log = (msg: string) => console.log(`[chaos ${size.name}] ${msg}`);
const RETRY_SCHEDULE = '1s,2s,4s';
const DUPLICATES_GOAL_PERCENT = 0.5;
// 6 healthy, 2 flaky, 1 answering 429 with Retry-After, 1 always 500; five endpoints on each of two tenants.
const LAYOUT: Array<[ReceiverKind, 0 | 1]> = [
  ['healthy', 0], ['healthy', 0], ['healthy', 0], ['flaky', 0], ['throttling', 0],
  ['healthy', 1], ['healthy', 1], ['healthy', 1], ['flaky', 1], ['failing', 1],
];

describe(`chaos (${size.name}): ${size.events} events through every fault at once`, () => {
  let infra: ChaosInfra;
  let pool: pg.Pool;
  let kafka: Kafka;
  let admin: Admin;
  let ingest: ServiceProcess, tracker: ServiceProcess, dispatchers: [ServiceProcess, ServiceProcess];
  let services: ServiceProcess[] = [];
  const receivers: ChaosReceiver[] = [];
  const prefix = `chaos.${randomBytes(3).toString('hex')}`;
  const schema = 'chaos';
  const adminToken = `admin_${randomBytes(16).toString('hex')}`;
  const encryptionKey = generateEncryptionKey();
  const signingSecrets: string[] = [];
  const keys: string[] = [];
  // The services' logs (warnings and errors); kept, and named, when the run fails.
  const logDir = mkdtempSync(join(tmpdir(), 'hookline-chaos-logs-'));
  let passed = false;

  beforeAll(async () => {
    infra = await ChaosInfra.start((m) => log(m));
    await migrate({ url: infra.databaseUrl, schema });
    pool = createPool({ url: infra.databaseUrl, schema, max: 2, applicationName: 'chaos-check' });
    kafka = createKafka({ brokers: infra.brokers, clientId: 'chaos-check' });
    admin = kafka.admin();
    await admin.connect();
    const env = {
      KAFKA_BROKERS: infra.brokers,
      DATABASE_URL: infra.databaseUrl,
      DATABASE_SCHEMA: schema,
      TOPIC_PREFIX: prefix,
      TOPIC_PARTITIONS: '6',
      ENCRYPTION_KEY: encryptionKey,
      ADMIN_TOKEN: adminToken,
      ALLOW_HTTP_TARGETS: 'true',
      ALLOW_PRIVATE_TARGETS: 'true',
      OTEL_SDK_DISABLED: 'true',
      // The services' default: every line is scanned for secrets afterwards.
      LOG_LEVEL: 'info',
      RETRY_SCHEDULE,
      DELIVERY_TIMEOUT_MS: '1000',
      // Breakers would hold the always-500 endpoint's deliveries back for minutes (one probe per reset timeout)
      // instead of letting them exhaust the short schedule; dispatcher-breaker.test.ts covers breakers.
      CIRCUIT_VOLUME_THRESHOLD: '1000000',
      SHUTDOWN_TIMEOUT_MS: '5000',
    };
    const [p0, p1, p2, p3] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
    ingest = new ServiceProcess('ingest', 'ingest', p0, env, logDir);
    tracker = new ServiceProcess('tracker', 'tracker', p1, env, logDir);
    dispatchers = [
      new ServiceProcess('dispatcher-a', 'dispatcher', p2, env, logDir),
      // The second instance reaches the broker only through the proxy, which the network cut cuts.
      new ServiceProcess('dispatcher-b', 'dispatcher', p3, { ...env, KAFKA_BROKERS: infra.proxiedBrokers }, logDir),
    ];
    services = [ingest, tracker, ...dispatchers];
    for (const s of services) s.start();
    await waitFor(async () => (await Promise.all(services.map((s) => s.ready()))).every(Boolean), {
      timeoutMs: 120_000,
      intervalMs: 500,
      description: 'every service ready',
    }).catch((e: Error) => {
      throw new Error(`${e.message}\n${services.map((s) => `--- ${s.name}\n${s.logTail()}`).join('\n')}`);
    });
    const base = `http://127.0.0.1:${ingest.port}`;
    for (const t of [0, 1]) {
      const res = await api(base, 'POST', '/v1/tenants', adminToken, { name: `chaos-${t}` });
      expect(res.status).toBe(201);
      keys.push(res.json.apiKey);
    }
    for (const [i, [kind, tenant]] of LAYOUT.entries()) {
      const r = await ChaosReceiver.start(`${kind}-${i}`, kind, tenant);
      const res = await api(base, 'POST', '/v1/endpoints', keys[tenant]!, { url: r.url(), description: r.name });
      expect(res.status, JSON.stringify(res.json)).toBe(201);
      r.attach(res.json.id, res.json.secret);
      signingSecrets.push(res.json.secret);
      receivers.push(r);
    }
  }, 300_000);

  afterAll(async () => {
    await Promise.allSettled(services.map((s) => s.stop()));
    await admin?.disconnect().catch(() => {});
    await pool?.end().catch(() => {});
    await Promise.allSettled(receivers.map((r) => r.http.close()));
    await infra?.stop();
    if (passed) rmSync(logDir, { recursive: true, force: true });
    else log(`service logs kept in ${logDir}`);
  }, 120_000);

  it('loses nothing, records every attempt once, dead-letters the failing endpoint and needs no human', async () => {
    const base = `http://127.0.0.1:${ingest.port}`;
    const topics = topicNames(prefix);
    const groups = groupIds(prefix);
    const published = new Map<0 | 1, string[]>([[0, []], [1, []]]);
    let publishRetries = 0;
    const publish = async (tenant: 0 | 1, key: string, events: Array<{ type: string; data: object }>) => {
      const res = await retrying(() => api(base, 'POST', '/v1/events/batch', keys[tenant]!, { events }, { 'idempotency-key': key }), (s) => s === 202 || s === 200);
      publishRetries += res.tries - 1;
      published.get(tenant)!.push(...res.json.data.map((d: { id: string }) => d.id));
    };

    // Warm-up: both dispatchers have loaded the endpoints once one event per tenant reached every receiver.
    await waitFor(
      async () => {
        for (const t of [0, 1] as const) await publish(t, `warm-${randomBytes(4).toString('hex')}`, [{ type: 'warm.up', data: {} }]);
        return receivers.every((r) => r.seen.length > 0);
      },
      { timeoutMs: 60_000, intervalMs: 1_000, description: 'every receiver reached once' },
    );

    const durationMs = publishSeconds(size) * 1_000;
    const startedAt = Date.now();
    const publisher = (async () => {
      const batches = Math.ceil(size.events / size.batchSize);
      const perBatchMs = durationMs / batches;
      for (let b = 0; b < batches; b++) {
        const due = startedAt + b * perBatchMs;
        if (due > Date.now()) await sleep(due - Date.now()); // Pacing the publishing rate.
        const n = Math.min(size.batchSize, size.events - b * size.batchSize);
        await publish((b % 2) as 0 | 1, `chaos-${b}`, Array.from({ length: n }, (_, i) => ({ type: 'chaos.test', data: { n: b * size.batchSize + i } })));
      }
      return Date.now();
    })();
    const [lastPublishAt, faults] = await Promise.all([
      publisher,
      injectFaults({ infra, dispatchers, tracker, all: services }, startedAt, durationMs, size.networkCutMs, log),
    ]);
    const lastFaultEnd = Math.max(...faults.map((f) => f.end));

    // Recovery: every delivery settled in the database and every consumer group caught up.
    const expected = [...published.values()].reduce((n, ids) => n + ids.length, 0) * (LAYOUT.length / 2);
    const retryTopics = (await admin.listTopics()).filter((t) => t.startsWith(`${prefix}.retry.`));
    const lagGroups = {
      [groups.fanout]: [topics.events],
      [groups.deliver]: [topics.deliveries],
      [groups.deliverRetry]: retryTopics,
      [groups.tracker]: [topics.events, topics.deliveries, topics.attempts],
    };
    let lastLag: Record<string, number> = {};
    const settled = async () => {
      const { rows } = await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM deliveries WHERE status IN ('succeeded', 'dead')");
      if (rows[0]!.n < expected) return false;
      lastLag = await consumerLag(admin, lagGroups);
      return Object.values(lastLag).every((l) => l === 0);
    };
    await waitFor(() => settled().catch(() => false), { timeoutMs: size.name === 'full' ? 900_000 : 120_000, intervalMs: 500, description: `${expected} deliveries settled and no consumer lag` }).catch(
      (e: Error) => {
        throw new Error(`${e.message}; lag ${JSON.stringify(lastLag)}`);
      },
    );
    const settledAt = Date.now();
    const recoveryMs = settledAt - lastFaultEnd;

    // What the receivers saw against what was published and what the database recorded.
    const deliveries = (await pool.query<DeliveryRow>('SELECT event_id, endpoint_id, status FROM deliveries')).rows;
    const attemptRowsFull = (await pool.query<AttemptRow>('SELECT event_id, endpoint_id, outcome, created_at FROM attempts')).rows;
    const analysis = analyse(receivers, published, deliveries, faults, attemptRowsFull);
    const badSignatures = receivers.reduce((n, r) => n + r.badSignatures, 0);

    // Exactly one attempt row per attempt record on the attempts topic.
    const attemptIds = (await readTopic<{ attemptId: string }>(kafka, topics.attempts)).map((a) => a.attemptId);
    const attemptRows = (await pool.query<{ id: string }>('SELECT id FROM attempts')).rows.map((r) => r.id);
    const topicAttempts = new Set(attemptIds);
    const rowsNotOnTopic = attemptRows.filter((id) => !topicAttempts.has(id)).length;
    const attemptsNotInRows = topicAttempts.size - (attemptRows.length - rowsNotOnTopic);

    // The always-500 endpoint: every delivery dead, in the DLQ topic and in GET /v1/dead-letters.
    const failing = receivers.find((r) => r.kind === 'failing')!;
    const failingRows = deliveries.filter((d) => d.endpoint_id === failing.endpointId);
    const deadIds = new Set((await pool.query<{ id: string }>('SELECT id FROM deliveries WHERE endpoint_id = $1 AND status = $2', [failing.endpointId, 'dead'])).rows.map((r) => r.id));
    const dlqIds = new Set((await readTopic<{ deliveryId: string }>(kafka, topics.deadLetter)).map((d) => d.deliveryId));
    const listed = new Set<string>();
    let cursor: string | undefined;
    for (let page = 0; page < 1_000; page++) {
      const res = await api(base, 'GET', `/v1/dead-letters?endpointId=${failing.endpointId}&limit=250${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, keys[1]!);
      expect(res.status).toBe(200);
      for (const d of res.json.data) listed.add(d.id);
      cursor = res.json.nextCursor ?? undefined;
      if (!cursor) break;
    }
    const deadNotInDlq = [...deadIds].filter((id) => !dlqIds.has(id)).length;
    const deadNotListed = [...deadIds].filter((id) => !listed.has(id)).length;

    // The endpoint recovers; a redrive delivers every dead letter.
    failing.recovered = true;
    const redrive = await api(base, 'POST', '/v1/dead-letters/redrive', keys[1]!, { endpointId: failing.endpointId });
    expect(redrive.status, JSON.stringify(redrive.json)).toBe(202);
    const failingIds = published.get(1)!;
    await waitFor(() => failingIds.every((id) => failing.processed.has(id)), { timeoutMs: 120_000, intervalMs: 500, description: 'the redrive delivered every dead letter' }).catch(() => {});
    const redriveUndelivered = failingIds.filter((id) => !failing.processed.has(id)).length;

    const allReadyAtEnd = (await Promise.all(services.map((s) => s.ready()))).every(Boolean);
    // No API key, signing secret, admin token or encryption key in any line any service logged during the run.
    const logText = readdirSync(logDir).map((f) => readFileSync(join(logDir, f), 'utf8')).join('\n');
    const secretsInLogs = findSecrets(logText, [...keys, ...signingSecrets, adminToken, encryptionKey]);
    const restarts = services.flatMap((s) => s.restarts.map((r) => ({ service: s.name, ...r })));
    const figures = {
      size: size.name,
      date: new Date().toISOString(),
      commit: execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim(),
      events: failingIds.length + published.get(0)!.length,
      deliveries: analysis.expectedDeliveries,
      receiverRequests: analysis.requests,
      faults: faults.map((f: Fault) => ({ kind: f.kind, target: f.target, atS: +((f.start - startedAt) / 1000).toFixed(1), recoveredInS: +((f.end - f.start) / 1000).toFixed(1) })),
      lost: analysis.lost.length,
      duplicates: analysis.duplicates.length,
      duplicatesPercent: +((100 * analysis.duplicates.length) / analysis.expectedDeliveries).toFixed(3),
      duplicatesByCause: analysis.duplicatesByCause,
      duplicatesByEndpoint: analysis.duplicatesByEndpoint,
      duplicateTimings: duplicateTimings(analysis.duplicates, startedAt),
      statusMismatches: analysis.statusMismatches.length,
      badSignatures,
      logs: { lines: logText.split('\n').filter(Boolean).length, secretsFound: secretsInLogs.length },
      attempts: { topicRecords: attemptIds.length, topicDistinct: topicAttempts.size, rows: attemptRows.length, rowsDistinct: new Set(attemptRows).size, rowsNotOnTopic, attemptsNotInRows },
      deadLetters: { failingDeliveries: failingRows.length, dead: deadIds.size, notInDlqTopic: deadNotInDlq, notListedByApi: deadNotListed, redriven: redrive.json.redriven, undeliveredAfterRedrive: redriveUndelivered },
      deadOnFlaky: deliveries.filter((d) => d.status === 'dead' && d.endpoint_id !== failing.endpointId).length,
      publishRetries,
      restarts: { killedByRun: restarts.filter((r) => r.cause === 'killed by the chaos run').length, exitedByThemselves: restarts.filter((r) => r.cause === 'exited by itself').map((r) => `${r.service} (${r.exit})`) },
      allServicesReadyAtEnd: allReadyAtEnd,
      recoverySAfterLastFault: +(recoveryMs / 1000).toFixed(1),
      lastPublishToSettledS: +((settledAt - lastPublishAt) / 1000).toFixed(1),
      runS: +((Date.now() - startedAt) / 1000).toFixed(1),
    };
    log(`figures:\n${JSON.stringify(figures, null, 2)}`);
    if (analysis.statusMismatches.length > 0) log(`status mismatches (first 10): ${JSON.stringify(analysis.statusMismatches.slice(0, 10))}`);
    if (size.name === 'full') {
      const dir = join(import.meta.dirname, 'results');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'full.json'), `${JSON.stringify(figures, null, 2)}\n`);
    }

    expect(figures.lost, 'events lost').toBe(0);
    expect(badSignatures, 'signatures standardwebhooks refused').toBe(0);
    expect(secretsInLogs, 'secrets in the services\' log lines').toEqual([]);
    expect(figures.statusMismatches, 'deliveries whose status disagrees with the receiver').toBe(0);
    expect(figures.attempts.rows, 'attempt rows').toBe(figures.attempts.rowsDistinct);
    expect(rowsNotOnTopic + attemptsNotInRows, 'attempts on the topic without a row, or rows without a record').toBe(0);
    expect(deadIds.size, 'deliveries to the always-500 endpoint ended dead').toBe(failingIds.length);
    expect(deadNotInDlq + deadNotListed, 'dead letters missing from hookline.dlq or GET /v1/dead-letters').toBe(0);
    expect(redriveUndelivered, 'dead letters the redrive did not deliver').toBe(0);
    expect(allReadyAtEnd, 'every service ready at the end, with no manual step').toBe(true);
    expect(recoveryMs, 'consumer lag back to zero after the last fault').toBeLessThanOrEqual(60_000);
    // The duplicates goal is enforced by the full run (npm run test:chaos) and with CHAOS_ENFORCE_DUPLICATES=true;
    // inside npm test it is measured and printed (RELIABILITY.md records where it stands).
    if (figures.duplicatesPercent > DUPLICATES_GOAL_PERCENT) log(`GOAL NOT MET: duplicates ${figures.duplicatesPercent} % of deliveries > ${DUPLICATES_GOAL_PERCENT} %`);
    if (size.name === 'full' || process.env.CHAOS_ENFORCE_DUPLICATES === 'true') {
      expect(figures.duplicatesPercent, `duplicates, % of deliveries (goal ≤ ${DUPLICATES_GOAL_PERCENT} %)`).toBeLessThanOrEqual(DUPLICATES_GOAL_PERCENT);
    }
    passed = true;
  }, size.name === 'full' ? 3_600_000 : 240_000);
});
