import { execFile } from 'node:child_process';
import { recordHeaders } from '@hookline/contracts';
import { createTestWorld, Receiver, waitFor, type TestWorld } from '@hookline/testing';
import type { KafkaMessage } from 'kafkajs';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTenant, startPipeline, type Pipeline } from './support/pipeline.ts';

describe('events reach endpoints from HTTP and straight from Kafka; bad records go to the invalid topic', () => {
  let world: TestWorld;
  let pipeline: Pipeline;
  let receiver: Receiver;
  let api: string;
  let tenant: { id: string; apiKey: string };
  let endpoint: { id: string; secret: string };
  const invalid: KafkaMessage[] = [];
  const consumer = () => world.kafka.consumer({ groupId: `${world.prefix}.observer` });
  let observer: ReturnType<typeof consumer>;

  beforeAll(async () => {
    world = createTestWorld('api-delivery-paths');
    receiver = await Receiver.start();
    pipeline = await startPipeline(world);
    api = pipeline.api;
    tenant = await createTenant(api, world.env.ADMIN_TOKEN!);
    endpoint = (await call('POST', `${api}/v1/endpoints`, tenant.apiKey, { url: receiver.url('/in'), eventTypes: ['raw.event', 'rotated.event'] })).json;
    observer = consumer();
    await observer.connect();
    await observer.subscribe({ topic: world.topics.invalid, fromBeginning: true });
    await observer.run({ eachMessage: async ({ message }) => void invalid.push(message) });
  });
  afterAll(async () => {
    await observer?.disconnect();
    await pipeline?.stop();
    await receiver?.close();
    await world?.cleanup();
  });

  const deliveredTo = (type: string) => receiver.requests.filter((r) => JSON.parse(r.body).type === type);

  it('delivers a record a kafkajs producer wrote straight to the events topic, joining its trace', async () => {
    const producer = world.kafka.producer();
    await producer.connect();
    await producer.send({
      topic: world.topics.events,
      messages: [
        {
          value: JSON.stringify({ tenantId: tenant.id, type: 'raw.event', data: { via: 'kafkajs' } }),
          headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
        },
      ],
    });
    await producer.disconnect();
    const [req] = await waitFor(() => (deliveredTo('raw.event').length >= 1 ? deliveredTo('raw.event') : undefined));
    expect(JSON.parse(req!.body).data).toEqual({ via: 'kafkajs' });
    expect(req!.headers['webhook-id']).toMatch(/^evt_[0-9a-f]{32}$/);
    expect(new Webhook(endpoint.secret).verify(req!.body, req!.headers as Record<string, string>)).toBeTruthy();
  });

  it('delivers a record produced with kcat, a client nobody here wrote, keeping its id', async () => {
    const value = JSON.stringify({ tenantId: tenant.id, type: 'raw.event', data: { via: 'kcat' }, id: 'kcat-1' });
    await runWithInput('kcat', ['-P', '-b', world.kafkaBrokers, '-t', world.topics.events], value);
    const req = await waitFor(() => receiver.requests.find((r) => r.headers['webhook-id'] === 'kcat-1'));
    expect(JSON.parse(req.body)).toMatchObject({ id: 'kcat-1', type: 'raw.event', data: { via: 'kcat' } });
  });

  it('routes undecodable records to hookline.events.invalid with the reason, and keeps delivering', async () => {
    await runWithInput('kcat', ['-P', '-b', world.kafkaBrokers, '-t', world.topics.events], 'this is not json');
    const producer = world.kafka.producer();
    await producer.connect();
    await producer.send({
      topic: world.topics.events,
      messages: [
        { value: JSON.stringify({ tenantId: tenant.id, type: 'bad type!', data: {} }) },
        { value: JSON.stringify({ tenantId: tenant.id, type: 'raw.event', data: { after: 'bad ones' } }) },
      ],
    });
    await producer.disconnect();
    const reasons = await waitFor(() => {
      const r = invalid.map((m) => m.headers?.[recordHeaders.invalidReason]?.toString() ?? '');
      return r.length >= 2 ? r : undefined;
    });
    expect(reasons.some((r) => /not JSON/.test(r))).toBe(true);
    expect(reasons.some((r) => /type/.test(r))).toBe(true);
    expect(invalid.map((m) => m.value?.toString())).toContain('this is not json');
    expect(invalid[0]!.headers?.[recordHeaders.invalidSource]?.toString()).toMatch(new RegExp(`^${world.topics.events.replace(/\./g, '\\.')}/\\d+/\\d+$`));
    await waitFor(() => receiver.requests.find((r) => JSON.parse(r.body).data.after === 'bad ones'));
  });

  it('sends webhook.test to one endpoint only, even if it does not subscribe to the type', async () => {
    const other = (await call('POST', `${api}/v1/endpoints`, tenant.apiKey, { url: receiver.url('/other') })).json;
    const res = await call('POST', `${api}/v1/endpoints/${endpoint.id}/test`, tenant.apiKey);
    expect(res.status).toBe(202);
    const req = await waitFor(() => receiver.requests.find((r) => r.headers['webhook-id'] === res.json.eventId));
    expect(req.path).toBe('/in');
    expect(JSON.parse(req.body).type).toBe('webhook.test');
    // A later ordinary event reaching /other proves the test event had its chance to go there too and did not.
    await call('POST', `${api}/v1/events`, tenant.apiKey, { type: 'rotated.event', data: { marker: true } });
    await waitFor(() => receiver.requests.find((r) => r.path === '/other'));
    expect(receiver.requests.filter((r) => r.headers['webhook-id'] === res.json.eventId)).toHaveLength(1);
    expect(other.id).toMatch(/^ep_/);
  });

  it('signs with the old and the new secret during a rotation', async () => {
    const rotated = await call('POST', `${api}/v1/endpoints/${endpoint.id}/secret/rotate`, tenant.apiKey, {});
    // The dispatcher learns of the rotation within a second (its subscriptions follow PostgreSQL changes):
    // publish until a delivery carries both signatures.
    const req = await waitFor(async () => {
      const published = await call('POST', `${api}/v1/events`, tenant.apiKey, { type: 'rotated.event', data: { n: 1 } });
      const got = await receiver.waitForRequests(1, { match: (r) => r.headers['webhook-id'] === published.json.id && r.path === '/in' });
      return got.find((r) => String(r.headers['webhook-signature']).split(' ').length === 2);
    }, { timeoutMs: 15_000, intervalMs: 200, description: 'a delivery signed with both secrets' });
    for (const secret of [endpoint.secret, rotated.json.secret]) {
      expect(new Webhook(secret).verify(req.body, req.headers as Record<string, string>)).toMatchObject({ type: 'rotated.event' });
    }
  });
});

/** Runs a command with `input` on its standard input (kcat -P reads records line by line). */
function runWithInput(cmd: string, args: string[], input: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = execFile(cmd, args, { timeout: 30_000 }, (err) => (err ? reject(err) : resolve()));
    child.stdin!.end(`${input}\n`);
  });
}
