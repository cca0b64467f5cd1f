import { mkdtempSync, rmSync, symlinkSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { createTestWorld, infra, Receiver, waitFor, type ReceivedRequest, type TestWorld } from '@hookline/testing';
import type { Consumer, KafkaMessage, Producer } from 'kafkajs';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSchemaRegistry, stopSchemaRegistry } from '../infra/schema-registry/launcher.ts';
import { call, createTenant, startPipeline, type Pipeline } from './support/pipeline.ts';
import { freePort } from './support/service-processes.ts';
import { TcpProxy } from './tracker-tcp-proxy.ts';

const registryUrl = infra().schemaRegistryUrl;

const orderSchema = (name = 'OrderPlaced') => ({
  type: 'record',
  name,
  namespace: 'com.acme',
  fields: [
    { name: 'orderId', type: 'string' },
    { name: 'amount', type: 'long' },
    { name: 'status', type: { type: 'enum', name: `${name}Status`, symbols: ['NEW', 'PAID'] } },
    { name: 'note', type: ['null', 'string'], default: null },
    { name: 'blob', type: 'bytes' },
  ],
});
const paymentProto = `syntax = "proto3";
package acme;
message PaymentCaptured {
  string payment_id = 1;
  int64 cents = 2;
  enum Kind { CARD = 0; BANK = 1; }
  Kind kind = 3;
  repeated string tags = 4;
}
`;
const shipmentJsonSchema = { title: 'shipment.sent', type: 'object', properties: { shipmentId: { type: 'string' }, weight: { type: 'number' } }, required: ['shipmentId'] };
const mappedSchema = {
  type: 'record',
  name: 'CustomerCharged',
  namespace: 'com.acme.billing',
  fields: [
    { name: 'chargeId', type: 'string' },
    { name: 'tenant', type: 'string' },
    { name: 'customer', type: 'string' },
    { name: 'total', type: 'long' },
  ],
};

/** The webhook body from `"data":` on: everything an event's data decides (id and timestamp precede it). */
const dataPart = (body: string) => body.slice(body.indexOf('"data":'));
const traceparent = (n: number) => `00-${n.toString(16).padStart(32, 'a')}-00f067aa0ba902b7-01`;

async function collectInvalid(world: TestWorld, into: KafkaMessage[]): Promise<Consumer> {
  const observer = world.kafka.consumer({ groupId: `${world.prefix}.invalid-observer` });
  await observer.connect();
  await observer.subscribe({ topic: world.topics.invalid, fromBeginning: true });
  await observer.run({ eachMessage: async ({ message }) => void into.push(message) });
  return observer;
}

describe.skipIf(!registryUrl)('registry-framed records published straight to Kafka', () => {
  let world: TestWorld;
  let pipeline: Pipeline;
  let receiver: Receiver;
  let producer: Producer;
  let observer: Consumer;
  const invalid: KafkaMessage[] = [];
  let tenant: { id: string; apiKey: string };
  let secret: string;
  let appSecret: string;
  let sourceTopic: string;
  const registry = new SchemaRegistry({ host: registryUrl });

  beforeAll(async () => {
    world = createTestWorld('registry-framed');
    sourceTopic = `${world.prefix}.orders.v1`;
    receiver = await Receiver.start();
    pipeline = await startPipeline(world, {
      env: {
        SCHEMA_REGISTRY_URL: registryUrl,
        SOURCE_TOPICS: sourceTopic,
        SOURCE_TOPIC_MAPPING: JSON.stringify({ [sourceTopic]: { tenantId: '$.tenant', type: '$schema.name', application: '$.customer', id: '$.chargeId' } }),
      },
    });
    tenant = await createTenant(pipeline.api, world.env.ADMIN_TOKEN!);
    secret = (await call('POST', `${pipeline.api}/v1/endpoints`, tenant.apiKey, { url: receiver.url('/default') })).json.secret;
    const app = await call('POST', `${pipeline.api}/v1/applications`, tenant.apiKey, { name: 'Customer one', uid: 'cust-1' });
    expect(app.status).toBe(201);
    appSecret = (await call('POST', `${pipeline.api}/v1/applications/cust-1/endpoints`, tenant.apiKey, { url: receiver.url('/cust-1') })).json.secret;
    producer = world.kafka.producer();
    await producer.connect();
    observer = await collectInvalid(world, invalid);
  });
  afterAll(async () => {
    await producer?.disconnect();
    await observer?.disconnect();
    await pipeline?.stop();
    await receiver?.close();
    await world?.cleanup();
  });

  const subject = (name: string) => `${world.prefix}-${name}`;
  const byId = (id: string) => (r: ReceivedRequest) => r.headers['webhook-id'] === id;

  /** Publishes `data` over HTTP and returns the webhook it produced. */
  async function httpTwin(type: string, data: unknown): Promise<ReceivedRequest> {
    const published = await call('POST', `${pipeline.api}/v1/events`, tenant.apiKey, { type, data });
    expect(published.status).toBe(202);
    return waitFor(() => receiver.requests.find(byId(published.json.id)), { timeoutMs: 30_000 });
  }

  it('delivers Avro, Protobuf and JSON Schema records routed by headers as the JSON an HTTP publish of the same data produces, signed, in their trace', async () => {
    const avro = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(orderSchema()) }, { subject: subject('orders') });
    const proto = await registry.register({ type: SchemaType.PROTOBUF, schema: paymentProto }, { subject: subject('payments') });
    const json = await registry.register({ type: SchemaType.JSON, schema: JSON.stringify(shipmentJsonSchema) }, { subject: subject('shipments') });
    const cases = [
      {
        type: 'order.placed',
        value: await registry.encode(avro.id, { orderId: 'o-1', amount: 1999, status: 'PAID', note: null, blob: Buffer.from('abc') }),
        data: { orderId: 'o-1', amount: 1999, status: 'PAID', note: null, blob: 'YWJj' },
      },
      {
        type: 'payment.captured',
        value: await registry.encode(proto.id, { paymentId: 'p-1', cents: 250, kind: 1, tags: ['a', 'b'] }),
        data: { paymentId: 'p-1', cents: 250, kind: 'BANK', tags: ['a', 'b'] },
      },
      {
        type: 'shipment.sent',
        value: await registry.encode(json.id, { shipmentId: 's-1', weight: 1.5 }),
        data: { shipmentId: 's-1', weight: 1.5 },
      },
    ];
    for (const [i, c] of cases.entries()) {
      expect(c.value[0]).toBe(0); // registry-framed
      await producer.send({
        topic: world.topics.events,
        messages: [{ value: c.value, headers: { 'hookline-tenant-id': tenant.id, 'hookline-type': c.type, 'hookline-event-id': `framed-${i}`, traceparent: traceparent(i + 1) } }],
      });
    }
    for (const [i, c] of cases.entries()) {
      const req = await waitFor(() => receiver.requests.find(byId(`framed-${i}`)), { timeoutMs: 30_000 });
      const headers = req.headers as Record<string, string>;
      expect(new Webhook(secret).verify(req.body, headers)).toMatchObject({ type: c.type, data: c.data });
      expect(JSON.parse(req.body).data).toEqual(c.data);
      expect(String(req.headers.traceparent)).toMatch(new RegExp(`^00-${(i + 1).toString(16).padStart(32, 'a')}-`));
      // Byte for byte: the same data published over HTTP gives the same webhook but for its id and timestamp.
      const twin = await httpTwin(c.type, c.data);
      expect(dataPart(req.body)).toBe(dataPart(twin.body));
      expect(JSON.parse(req.body).type).toBe(JSON.parse(twin.body).type);
      // The tracker decoded the same event.
      const row = await waitFor(async () => (await world.pool.query('SELECT type, payload FROM events WHERE id = $1', [`framed-${i}`])).rows[0], { timeoutMs: 20_000 });
      expect(row).toEqual({ type: c.type, payload: c.data });
    }
  });

  it('delivers what ingest framed (?format=registry, Avro and Protobuf) as the same webhook as the JSON publish', async () => {
    const avroSchema = { ...orderSchema('Shipment'), fields: [...orderSchema('Shipment').fields.slice(0, 4), { name: 'weight', type: 'double' }, { name: 'lines', type: { type: 'array', items: 'int' } }] };
    // An enum declared before the message: the event's message is still the file's first message.
    const protobufSchema = `syntax = "proto3";\npackage acme.billing;\nenum Currency { EUR = 0; USD = 1; }\nmessage InvoicePaid {\n  string invoice_id = 1;\n  int64 cents = 2;\n  Currency currency = 3;\n  repeated string tags = 4;\n}\n`;
    expect((await call('PUT', `${pipeline.api}/v1/event-types/shipment.framed`, tenant.apiKey, { avroSchema })).status).toBe(201);
    expect((await call('PUT', `${pipeline.api}/v1/event-types/invoice.framed`, tenant.apiKey, { protobufSchema })).status).toBe(201);
    const cases = [
      { type: 'shipment.framed', data: { orderId: 'o-9', amount: 12, status: 'PAID', note: 'leave at door', weight: 2.25, lines: [1, 2] } },
      { type: 'invoice.framed', data: { invoiceId: 'i-9', cents: 4500, currency: 'USD', tags: ['vip'] } },
    ];
    for (const c of cases) {
      const framed = await call('POST', `${pipeline.api}/v1/events?format=registry`, tenant.apiKey, c);
      expect(framed.status, JSON.stringify(framed.json)).toBe(202);
      const req = await waitFor(() => receiver.requests.find(byId(framed.json.id)), { timeoutMs: 30_000 });
      expect(new Webhook(secret).verify(req.body, req.headers as Record<string, string>)).toMatchObject(c);
      const twin = await httpTwin(c.type, c.data);
      expect(dataPart(req.body)).toBe(dataPart(twin.body));
    }
  });

  it('routes a record of a SOURCE_TOPICS topic by its mapping: tenant, application and id from fields, type from the schema name', async () => {
    const s = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(mappedSchema) }, { subject: subject('charges') });
    const value = await registry.encode(s.id, { chargeId: 'ch-1', tenant: tenant.id, customer: 'cust-1', total: 4200 });
    await producer.send({ topic: sourceTopic, messages: [{ value, headers: { traceparent: traceparent(9) } }] });
    const req = await waitFor(() => receiver.requests.find(byId('ch-1')), { timeoutMs: 30_000 });
    expect(req.path).toBe('/cust-1');
    expect(new Webhook(appSecret).verify(req.body, req.headers as Record<string, string>)).toMatchObject({
      type: 'com.acme.billing.CustomerCharged',
      data: { chargeId: 'ch-1', tenant: tenant.id, customer: 'cust-1', total: 4200 },
    });
    expect(String(req.headers.traceparent)).toMatch(/^00-a{31}9-/);
    const row = await waitFor(async () => (await world.pool.query('SELECT type FROM events WHERE id = $1', ['ch-1'])).rows[0], { timeoutMs: 20_000 });
    expect(row.type).toBe('com.acme.billing.CustomerCharged');
    // A source topic takes Hookline's JSON envelope too.
    await producer.send({ topic: sourceTopic, messages: [{ value: JSON.stringify({ tenantId: tenant.id, type: 'plain.json', data: { ok: true }, id: 'json-on-source' }) }] });
    expect(JSON.parse((await waitFor(() => receiver.requests.find(byId('json-on-source')), { timeoutMs: 30_000 })).body).data).toEqual({ ok: true });
  });

  it('sends an unknown schema id, undecodable payloads (Avro, JSON Schema) and a record without routing to the invalid topic with the reason, and goes on', async () => {
    const avro = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(orderSchema()) }, { subject: subject('orders') });
    const good = await registry.encode(avro.id, { orderId: 'o-2', amount: 1, status: 'NEW', note: 'x', blob: Buffer.alloc(0) });
    const unknown = Buffer.concat([Buffer.from([0, 0x7f, 0xff, 0xff, 0xfe]), good.subarray(5)]);
    const truncated = good.subarray(0, 8);
    const json = await registry.register({ type: SchemaType.JSON, schema: JSON.stringify(shipmentJsonSchema) }, { subject: subject('shipments') });
    const violating = Buffer.concat([Buffer.from([0, 0, 0, 0, 0]), Buffer.from('{"weight":1}')]);
    violating.writeInt32BE(json.id, 1);
    const routing = { 'hookline-tenant-id': tenant.id, 'hookline-type': 'order.placed' };
    await producer.send({
      topic: world.topics.events,
      messages: [
        { key: 'p', value: unknown, headers: routing },
        { key: 'p', value: truncated, headers: routing },
        { key: 'p', value: violating, headers: routing },
        { key: 'p', value: good, headers: { 'hookline-type': 'order.placed' } },
        { key: 'p', value: good, headers: { ...routing, 'hookline-event-id': 'after-the-bad-ones' } },
      ],
    });
    await waitFor(() => receiver.requests.find(byId('after-the-bad-ones')), { timeoutMs: 30_000 });
    const reasons = await waitFor(() => (invalid.length >= 4 ? invalid.map((m) => String(m.headers!['hookline-invalid-reason'])) : undefined), { timeoutMs: 20_000 });
    expect(reasons).toEqual([
      expect.stringMatching(/^HKL_REGISTRY_UNKNOWN_SCHEMA: schema id 2147483646 is not in the schema registry/),
      expect.stringMatching(/^HKL_REGISTRY_UNDECODABLE: the value does not decode with schema \d+ \(avro\)/),
      expect.stringMatching(/^HKL_REGISTRY_UNDECODABLE: the value does not decode with schema \d+ \(json\)/),
      expect.stringMatching(/^HKL_REGISTRY_NO_ROUTING: .*tenantId \(no hookline-tenant-id header and no mapping for topic/),
    ]);
    // The invalid records are the producer's, untouched.
    expect(invalid[0]!.value).toEqual(unknown);
  });
});

describe.skipIf(!registryUrl)('a schema registry outage', () => {
  let world: TestWorld;
  let pipeline: Pipeline;
  let receiver: Receiver;
  let producer: Producer;
  let observer: Consumer;
  let proxy: TcpProxy;
  const invalid: KafkaMessage[] = [];
  let home = '';
  let port = 0;
  let direct = '';
  let tenantId = '';

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'hookline-registry-outage-'));
    // Apicurio's app comes from the checkout's cache (Maven would fetch it otherwise).
    const cache = join(process.cwd(), '.hookline', 'cache');
    if (existsSync(cache)) symlinkSync(cache, join(home, 'cache'));
    port = await freePort();
    direct = (await startSchemaRegistry({ home, port })).url;
    // The services reach it through a proxy, so that its return can wait until its schemas are back (its storage
    // is in memory: a restarted Apicurio is empty; a production registry keeps them).
    proxy = await TcpProxy.start({ host: '127.0.0.1', port });
    world = createTestWorld('registry-outage');
    receiver = await Receiver.start();
    pipeline = await startPipeline(world, { env: { SCHEMA_REGISTRY_URL: `http://127.0.0.1:${proxy.port}/apis/ccompat/v7` } });
    const tenant = await createTenant(pipeline.api, world.env.ADMIN_TOKEN!);
    tenantId = tenant.id;
    await call('POST', `${pipeline.api}/v1/endpoints`, tenant.apiKey, { url: receiver.url('/hook') });
    producer = world.kafka.producer();
    await producer.connect();
    observer = await collectInvalid(world, invalid);
  });
  afterAll(async () => {
    await producer?.disconnect();
    await observer?.disconnect();
    await pipeline?.stop();
    await receiver?.close();
    await proxy?.close();
    await world?.cleanup();
    if (home) {
      await stopSchemaRegistry({ home });
      rmSync(home, { recursive: true, force: true });
    }
  });

  const delivered = (id: string) => receiver.requests.some((r) => r.headers['webhook-id'] === id);
  const heldEvents = async () => {
    const text = await (await fetch(`http://127.0.0.1:${pipeline.ports.dispatcher}/metrics`)).text();
    return Number(/^hookline_fanout_held_events(?:{[^}]*})? (\d+)$/m.exec(text)?.[1]);
  };
  const tracked = async (id: string) => (await world.pool.query('SELECT 1 FROM events WHERE id = $1', [id])).rowCount === 1;

  it('keeps delivering cached schemas and untyped events while it is down, and delivers a new schema once it is back, losing nothing', { timeout: 180_000 }, async () => {
    const producerRegistry = new SchemaRegistry({ host: direct });
    const register = async () => ({
      cached: (await producerRegistry.register({ type: SchemaType.AVRO, schema: JSON.stringify(orderSchema()) }, { subject: 'outage-orders' })).id,
      fresh: (await producerRegistry.register({ type: SchemaType.AVRO, schema: JSON.stringify(orderSchema('OrderRefunded')) }, { subject: 'outage-refunds' })).id,
    });
    const headers = (id: string) => ({ 'hookline-tenant-id': tenantId, 'hookline-type': 'order.event', 'hookline-event-id': id });
    const ids = await register();
    const record = (id: number, orderId: string) => producerRegistry.encode(id, { orderId, amount: 1, status: 'NEW', note: null, blob: Buffer.alloc(0) });

    // Both consumers see the first schema while the registry is up: it is cached from then on.
    await producer.send({ topic: world.topics.events, messages: [{ key: 'k', value: await record(ids.cached, 'before'), headers: headers('before') }] });
    await waitFor(async () => delivered('before') && (await tracked('before')), { timeoutMs: 30_000 });

    const fresh = await record(ids.fresh, 'new-schema');
    await stopSchemaRegistry({ home });
    // One partition (same key): the record of the uncached schema first, a cached one and an untyped one behind it.
    await producer.send({
      topic: world.topics.events,
      messages: [
        { key: 'k', value: fresh, headers: headers('new-schema') },
        { key: 'k', value: await record(ids.cached, 'cached'), headers: headers('cached') },
        { key: 'k', value: JSON.stringify({ tenantId, type: 'order.event', data: { untyped: true }, id: 'untyped' }) },
      ],
    });
    await waitFor(async () => delivered('cached') && delivered('untyped') && (await tracked('cached')) && (await tracked('untyped')), { timeoutMs: 30_000 });
    expect(delivered('new-schema')).toBe(false);
    expect(await tracked('new-schema')).toBe(false);
    expect(invalid).toEqual([]);
    expect(await heldEvents()).toBe(1);

    // The registry comes back with its schemas (registered again in the same order: the same ids).
    proxy.cut();
    await startSchemaRegistry({ home, port });
    expect(await register()).toEqual(ids);
    proxy.restore();
    await waitFor(async () => delivered('new-schema') && (await tracked('new-schema')), { timeoutMs: 40_000 });
    expect(JSON.parse(receiver.requests.find((r) => r.headers['webhook-id'] === 'new-schema')!.body).data).toEqual({ orderId: 'new-schema', amount: 1, status: 'NEW', note: null, blob: '' });
    expect(invalid).toEqual([]);
    await waitFor(async () => (await heldEvents()) === 0, { timeoutMs: 10_000 });
    for (const id of ['before', 'new-schema', 'cached', 'untyped']) expect(receiver.requests.filter((r) => r.headers['webhook-id'] === id).length, id).toBe(1);
  });
});
