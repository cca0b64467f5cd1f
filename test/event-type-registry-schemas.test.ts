import { mkdtempSync, rmSync, symlinkSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { createTestWorld, infra, waitFor, type TestWorld } from '@hookline/testing';
import type { Consumer, KafkaMessage } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSchemaRegistry, stopSchemaRegistry } from '../infra/schema-registry/launcher.ts';
import { call, createTenant, startPipeline, type Pipeline } from './support/pipeline.ts';
import { freePort } from './support/service-processes.ts';

const registryUrl = infra().schemaRegistryUrl;
const root = fileURLToPath(new URL('..', import.meta.url));

const orderV1 = {
  type: 'record',
  name: 'OrderPlaced',
  namespace: 'com.acme',
  fields: [
    { name: 'orderId', type: 'string' },
    { name: 'quantity', type: 'int' },
    { name: 'items', type: { type: 'array', items: { type: 'record', name: 'Item', fields: [{ name: 'sku', type: 'string' }, { name: 'price', type: 'double' }] } } },
    { name: 'status', type: { type: 'enum', name: 'Status', symbols: ['NEW', 'PAID'] } },
  ],
};
// Backward compatible: a new field with a default (readers of v2 read what v1 wrote).
const orderV2 = { ...orderV1, fields: [...orderV1.fields, { name: 'note', type: ['null', 'string'], default: null }] };
// Not backward compatible: a new field without a default.
const orderBreaking = { ...orderV1, fields: [...orderV1.fields, { name: 'warehouse', type: 'string' }] };

const shipmentProto = `syntax = "proto3";
package acme.shipping;

message ShipmentSent {
  string shipment_id = 1;
  int32 parcels = 2;
  Carrier carrier = 3;
  repeated string labels = 4;
}

enum Carrier { CARRIER_UNSPECIFIED = 0; UPS = 1; DHL = 2; }
`;

const invoiceSchema = {
  type: 'object',
  properties: { invoiceId: { type: 'string' }, amount: { type: 'integer', minimum: 0 } },
  required: ['invoiceId', 'amount'],
  additionalProperties: false,
};

/** Every record the events topic gets, read by a consumer of the test's own. */
async function readEvents(world: TestWorld, group: string): Promise<{ consumer: Consumer; records: KafkaMessage[] }> {
  const records: KafkaMessage[] = [];
  const consumer = world.kafka.consumer({ groupId: `${world.prefix}.${group}` });
  await consumer.connect();
  await consumer.subscribe({ topic: world.topics.events, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void records.push(message) });
  return { consumer, records };
}

const header = (m: KafkaMessage, name: string) => m.headers?.[name]?.toString();

describe.skipIf(!registryUrl)('event types with Avro, Protobuf and JSON Schema schemas in the registry', () => {
  let world: TestWorld;
  let pipeline: Pipeline;
  let tenant: { id: string; apiKey: string };
  let app: string;
  let events: { consumer: Consumer; records: KafkaMessage[] };
  const decoder = new SchemaRegistry({ host: registryUrl }, { [SchemaType.JSON]: { strict: false } });

  beforeAll(async () => {
    world = createTestWorld('event-type-registry-schemas');
    pipeline = await startPipeline(world, { services: ['ingest'], env: { SCHEMA_REGISTRY_URL: registryUrl } });
    tenant = await createTenant(pipeline.api, world.env.ADMIN_TOKEN!);
    app = (await call('POST', `${pipeline.api}/v1/applications`, tenant.apiKey, { name: 'Acme shop', uid: 'acme-shop' })).json.id;
    events = await readEvents(world, 'framed-reader');
  });
  afterAll(async () => {
    await events?.consumer.disconnect();
    await pipeline?.stop();
    await world?.cleanup();
  });

  const api = (path: string) => `${pipeline.api}${path}`;
  const put = (name: string, body: object) => call('PUT', api(`/v1/event-types/${name}`), tenant.apiKey, body);
  const subject = (name: string) => `hookline-${tenant.id}-${name}`;
  const latest = (name: string) => fetch(`${registryUrl}/subjects/${subject(name)}/versions/latest`).then((r) => r.json() as Promise<{ id: number; version: number; schemaType?: string }>);
  const recordOf = (id: string) => waitFor(() => events.records.find((m) => m.key?.toString() === id), { timeoutMs: 15_000, description: `record of event ${id}` });

  it('registers an Avro schema (object, then its JSON text) under the subject of tenant and type, BACKWARD compatible', async () => {
    const created = await put('order.placed', { description: 'An order was placed', avroSchema: orderV1 });
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    expect(created.json).toMatchObject({ schemaFormat: 'avro', avroSchema: orderV1, schema: null, protobufSchema: null, subject: subject('order.placed'), schemaVersion: 1, recordFormat: 'json' });
    const v1 = await latest('order.placed');
    expect(v1).toMatchObject({ id: created.json.schemaId, version: 1 });
    expect(v1.schemaType ?? 'AVRO').toBe('AVRO');
    expect(await fetch(`${registryUrl}/config/${subject('order.placed')}`).then((r) => r.json())).toMatchObject({ compatibilityLevel: 'BACKWARD' });

    const v2 = await put('order.placed', { avroSchema: JSON.stringify(orderV2) });
    expect(v2.status, JSON.stringify(v2.json)).toBe(200);
    expect(v2.json).toMatchObject({ schemaFormat: 'avro', avroSchema: orderV2, schemaVersion: 2 });
    expect(v2.json.schemaId).not.toBe(created.json.schemaId);
    expect((await call('GET', api('/v1/event-types/order.placed'), tenant.apiKey)).json).toMatchObject({
      schemaFormat: 'avro', subject: subject('order.placed'), schemaId: v2.json.schemaId, schemaVersion: 2,
    });
  });

  it('refuses an incompatible Avro change with 409 and the registry\'s explanation, keeping the current version', async () => {
    const refused = await put('order.placed', { avroSchema: orderBreaking });
    expect(refused.status).toBe(409);
    expect(refused.headers['content-type']).toMatch(/problem\+json/);
    expect(refused.json.code).toBe('HKL_SCHEMA_INCOMPATIBLE');
    // Apicurio names the field that breaks compatibility.
    expect(refused.json.detail).toMatch(/not backward compatible.*warehouse/i);
    expect((await call('GET', api('/v1/event-types/order.placed'), tenant.apiKey)).json.schemaVersion).toBe(2);
    expect((await latest('order.placed')).version).toBe(2);
  });

  it('registers Protobuf and JSON Schema types the same way; a change of format is a 409', async () => {
    const proto = await put('shipment.sent', { protobufSchema: shipmentProto, recordFormat: 'registry' });
    expect(proto.status, JSON.stringify(proto.json)).toBe(201);
    expect(proto.json).toMatchObject({ schemaFormat: 'protobuf', protobufSchema: shipmentProto, subject: subject('shipment.sent'), schemaVersion: 1, recordFormat: 'registry' });
    expect((await latest('shipment.sent')).schemaType).toBe('PROTOBUF');

    const json = await put('invoice.paid', { schema: invoiceSchema });
    expect(json.status).toBe(201);
    expect(json.json).toMatchObject({ schemaFormat: 'json', subject: subject('invoice.paid'), schemaVersion: 1 });
    expect((await latest('invoice.paid')).schemaType).toBe('JSON');

    const changed = await put('shipment.sent', { avroSchema: orderV1 });
    expect(changed.status).toBe(409);
    expect(changed.json.code).toBe('HKL_SCHEMA_FORMAT_CHANGE');
    expect(changed.json.detail).toMatch(/PROTOBUF/);
  });

  it('a deleted type may come back in another format (its subject was soft-deleted)', async () => {
    expect((await put('parcel.lost', { protobufSchema: shipmentProto })).status).toBe(201);
    expect((await call('DELETE', api('/v1/event-types/parcel.lost'), tenant.apiKey)).status).toBe(204);
    const again = await put('parcel.lost', { avroSchema: orderV1 });
    expect(again.status, JSON.stringify(again.json)).toBe(201);
    expect(again.json).toMatchObject({ schemaFormat: 'avro', subject: subject('parcel.lost') });
    const schema = await fetch(`${registryUrl}/schemas/ids/${again.json.schemaId}`).then((r) => r.json() as Promise<{ schemaType?: string }>);
    expect(schema.schemaType ?? 'AVRO').toBe('AVRO');
    // And it evolves as Avro from there.
    expect((await put('parcel.lost', { avroSchema: orderV2 })).json).toMatchObject({ schemaFormat: 'avro', schemaVersion: expect.any(Number) });
    expect((await put('parcel.lost', { avroSchema: orderBreaking })).status).toBe(409);
  });

  it('answers 422 naming the problem for bad schemas and impossible combinations', async () => {
    const cases: Array<[object, string, RegExp]> = [
      [{ avroSchema: { type: 'record', name: 'X', fields: [{ name: 'a', type: 'nope' }] } }, 'avroSchema', /not a valid Avro schema.*nope/],
      [{ avroSchema: { type: 'array', items: 'int' } }, 'avroSchema', /record/],
      [{ avroSchema: 'not json' }, 'avroSchema', /record/],
      [{ protobufSchema: 'message {' }, 'protobufSchema', /not a valid Protobuf schema/],
      [{ protobufSchema: 'syntax = "proto3"; message A { strin x = 1; }' }, 'protobufSchema', /strin/],
      [{ protobufSchema: 'syntax = "proto3"; import "money.proto"; message A { string x = 1; }' }, 'protobufSchema', /well-known/],
      [{ schema: invoiceSchema, avroSchema: orderV1 }, 'schema', /only one of/],
      [{ recordFormat: 'registry' }, 'recordFormat', /needs a schema/],
    ];
    for (const [body, path, message] of cases) {
      const res = await put('bad.type', body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.json.errors, JSON.stringify(res.json)).toEqual(expect.arrayContaining([{ path, message: expect.stringMatching(message) }]));
    }
    expect((await call('GET', api('/v1/event-types/bad.type'), tenant.apiKey)).status).toBe(404);
  });

  it('lists the formats, subjects, ids and versions in the catalogue, also an application\'s', async () => {
    for (const path of ['/v1/event-types', `/v1/applications/${app}/event-types`]) {
      const list = await call('GET', api(path), tenant.apiKey);
      expect(list.status).toBe(200);
      const byName = Object.fromEntries((list.json.data as Array<{ name: string }>).map((t) => [t.name, t]));
      expect(byName['order.placed']).toMatchObject({ schemaFormat: 'avro', subject: subject('order.placed'), schemaVersion: 2, schemaId: expect.any(Number) });
      expect(byName['shipment.sent']).toMatchObject({ schemaFormat: 'protobuf', subject: subject('shipment.sent'), schemaVersion: 1, recordFormat: 'registry' });
      expect(byName['invoice.paid']).toMatchObject({ schemaFormat: 'json', subject: subject('invoice.paid'), schemaVersion: 1 });
    }
  });

  const order = { orderId: 'o-1', quantity: 2, items: [{ sku: 'sku-1', price: 9.5 }], status: 'PAID', note: 'leave at the door' };

  it('validates published data against Avro and Protobuf schemas: 202, or 422 listing every violation with its path', async () => {
    expect((await call('POST', api('/v1/events'), tenant.apiKey, { type: 'order.placed', data: order })).status).toBe(202);
    const bad = await call('POST', api(`/v1/applications/${app}/events`), tenant.apiKey, {
      type: 'order.placed',
      data: { quantity: 'two', items: [{ sku: 7, price: 1 }], status: 'LOST', coupon: 'X' },
    });
    expect(bad.status).toBe(422);
    expect(bad.json.errors).toEqual([
      { path: 'data', message: 'must not have property "coupon" (not a field of com.acme.OrderPlaced)' },
      { path: 'data', message: 'must have property "orderId"' },
      { path: 'data.quantity', message: 'must be an int (a 32-bit integer)' },
      { path: 'data.items.0.sku', message: 'must be a string' },
      { path: 'data.status', message: 'must be one of "NEW", "PAID"' },
    ]);

    const batch = await call('POST', api('/v1/events/batch'), tenant.apiKey, {
      events: [
        { type: 'shipment.sent', data: { shipmentId: 's-1', parcels: 1 } },
        { type: 'shipment.sent', data: { shipmentId: 2, parcels: 1.5, carrier: 'FEDEX' } },
        { type: 'invoice.paid', data: { invoiceId: 'i', amount: -1 } },
      ],
    });
    expect(batch.status).toBe(422);
    expect(batch.json.errors).toEqual([
      { path: 'events.1.data.shipmentId', message: 'must be a string' },
      { path: 'events.1.data.parcels', message: 'must be a int32 (an integer from -2147483648 to 2147483647)' },
      { path: 'events.1.data.carrier', message: 'must be one of "CARRIER_UNSPECIFIED", "UPS", "DHL" (enum Carrier)' },
      { path: 'events.2.data.amount', message: 'must be >= 0' },
    ]);
  });

  it('?format=registry writes a registry-framed record with routing headers that the Confluent client decodes to the data', async () => {
    const published = await call('POST', api(`/v1/applications/${app}/events?format=registry`), tenant.apiKey, { type: 'order.placed', data: order });
    expect(published.status, JSON.stringify(published.json)).toBe(202);
    const record = await recordOf(published.json.id);
    const value = record.value!;
    expect(value[0]).toBe(0);
    expect(value.readInt32BE(1)).toBe((await latest('order.placed')).id);
    expect(await decoder.decode(value)).toEqual(order);
    expect(header(record, 'hookline-tenant-id')).toBe(tenant.id);
    expect(header(record, 'hookline-type')).toBe('order.placed');
    expect(header(record, 'hookline-event-id')).toBe(published.json.id);
    expect(header(record, 'hookline-application')).toBe(app);
    expect(Number(record.timestamp)).toBe(Date.parse(published.json.createdAt));
  });

  it('a type with recordFormat registry is framed without asking (Protobuf), ?format=json overrides, JSON Schema types frame too', async () => {
    const shipment = { shipmentId: 's-9', parcels: 3, carrier: 'DHL', labels: ['fragile', 'heavy'] };
    const framed = await call('POST', api('/v1/events'), tenant.apiKey, { type: 'shipment.sent', data: shipment });
    expect(framed.status).toBe(202);
    const decoded = (await decoder.decode((await recordOf(framed.json.id)).value!)) as { toJSON(): unknown };
    expect(decoded.toJSON()).toEqual(shipment);

    const asJson = await call('POST', api('/v1/events?format=json'), tenant.apiKey, { type: 'shipment.sent', data: shipment });
    expect(JSON.parse((await recordOf(asJson.json.id)).value!.toString())).toMatchObject({ type: 'shipment.sent', data: shipment, tenantId: tenant.id });

    const invoice = { invoiceId: 'inv-1', amount: 1200 };
    const batch = await call('POST', api('/v1/events/batch?format=registry'), tenant.apiKey, { events: [{ type: 'invoice.paid', data: invoice }] });
    expect(batch.status).toBe(202);
    expect(await decoder.decode((await recordOf(batch.json.data[0].id)).value!)).toEqual(invoice);

    // Registry framing needs a registered schema: an untyped event cannot be framed.
    const untyped = await call('POST', api('/v1/events?format=registry'), tenant.apiKey, { type: 'user.created', data: { id: 1 } });
    expect(untyped.status).toBe(422);
    expect(untyped.json.errors).toEqual([{ path: 'type', message: expect.stringMatching(/no schema in the schema registry/) }]);
  });
});

describe.skipIf(!registryUrl)('a registry outage', () => {
  let world: TestWorld;
  let home: string;
  let ownRegistry: string;
  const pipelines: Pipeline[] = [];
  let tenant: { id: string; apiKey: string };

  beforeAll(async () => {
    // A registry of this test's own (stopping the shared one would disturb other suites); Apicurio comes from the
    // checkout's cache.
    home = mkdtempSync(join(tmpdir(), 'hookline-registry-outage-'));
    if (existsSync(join(root, '.hookline', 'cache'))) symlinkSync(join(root, '.hookline', 'cache'), join(home, 'cache'));
    world = createTestWorld('registry-outage');
    ownRegistry = (await startSchemaRegistry({ home, port: await freePort() })).url;
    pipelines.push(await startPipeline(world, { services: ['ingest'], env: { SCHEMA_REGISTRY_URL: ownRegistry } }));
    tenant = await createTenant(pipelines[0]!.api, world.env.ADMIN_TOKEN!);
  });
  afterAll(async () => {
    await Promise.all(pipelines.map((p) => p.stop()));
    await stopSchemaRegistry({ home }).catch(() => undefined);
    if (home) rmSync(home, { recursive: true, force: true });
    await world?.cleanup();
  });

  it('typed publishes whose schema this instance has not loaded answer 503 with Retry-After; cached, JSON Schema and untyped ones go on', async () => {
    const [first] = pipelines;
    const publish = (p: Pipeline, type: string, data: object, query = '') => call('POST', `${p.api}/v1/events${query}`, tenant.apiKey, { type, data });
    expect((await call('PUT', `${first!.api}/v1/event-types/order.placed`, tenant.apiKey, { avroSchema: orderV1 })).status).toBe(201);
    expect((await call('PUT', `${first!.api}/v1/event-types/invoice.paid`, tenant.apiKey, { schema: invoiceSchema })).status).toBe(201);
    const order = { orderId: 'o-1', quantity: 1, items: [], status: 'NEW' };
    expect((await publish(first!, 'order.placed', order)).status).toBe(202);

    await stopSchemaRegistry({ home });
    // A second ingest instance, started after the registry went away, has no schema loaded.
    const second = await startPipeline(world, { services: ['ingest'], env: { SCHEMA_REGISTRY_URL: ownRegistry } });
    pipelines.push(second);

    const refused = await publish(second, 'order.placed', order);
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('5');
    expect(refused.json.code).toBe('HKL_SCHEMA_REGISTRY_UNAVAILABLE');

    // Cached by schema id in the first instance: validated and framed without the registry.
    expect((await publish(first!, 'order.placed', order, '?format=registry')).status).toBe(202);
    expect((await publish(first!, 'order.placed', { ...order, quantity: 'x' })).status).toBe(422);
    for (const p of [first!, second]) {
      expect((await publish(p, 'user.created', { id: 1 })).status).toBe(202);
      expect((await publish(p, 'invoice.paid', { invoiceId: 'i', amount: 5 })).status).toBe(202);
      expect((await publish(p, 'invoice.paid', { invoiceId: 'i' })).status).toBe(422);
    }
    // A registry-framed record promises consumers that its schema id resolves to the type's schema: the instance
    // that registered it knows; the other cannot check while the registry is away.
    expect((await publish(first!, 'invoice.paid', { invoiceId: 'i', amount: 5 }, '?format=registry')).status).toBe(202);
    expect((await publish(second, 'invoice.paid', { invoiceId: 'i', amount: 5 }, '?format=registry')).status).toBe(503);
    // A schema change needs the registry.
    const change = await call('PUT', `${second.api}/v1/event-types/order.placed`, tenant.apiKey, { avroSchema: orderV2 });
    expect(change.status).toBe(503);
    expect(change.headers['retry-after']).toBe('5');

    // The registry comes back empty (the local one keeps schemas in memory): the schema id is unknown there, which
    // no wait cures: 409 until the type is PUT again.
    await startSchemaRegistry({ home, port: Number(new URL(ownRegistry).port) });
    const lost = await publish(second, 'order.placed', order);
    expect(lost.status).toBe(409);
    expect(lost.json.code).toBe('HKL_SCHEMA_NOT_IN_REGISTRY');
    // Worse: the fresh registry gives the type's old id to another schema. Records framed with it would decode as
    // that schema: refused too (the instance that confirmed the id before the reset keeps trusting it).
    const orderId = (await call('GET', `${second.api}/v1/event-types/order.placed`, tenant.apiKey)).json.schemaId;
    const other = await call('PUT', `${second.api}/v1/event-types/other.type`, tenant.apiKey, { avroSchema: { type: 'record', name: 'Other', fields: [{ name: 'x', type: 'long' }] } });
    expect(other.json.schemaId).toBe(orderId);
    const reassigned = await publish(second, 'order.placed', order);
    expect(reassigned.status).toBe(409);
    expect(reassigned.json.detail).toMatch(/another schema/);
    expect((await call('PUT', `${second.api}/v1/event-types/order.placed`, tenant.apiKey, { avroSchema: orderV1 })).status).toBe(200);
    expect((await publish(second, 'order.placed', order)).status).toBe(202);
  }, 150_000);

  it('without a registry, Avro and Protobuf types and registry framing are refused with 422 saying so', async () => {
    const plain = await startPipeline(world, { services: ['ingest'], env: { SCHEMA_REGISTRY_URL: 'none' } });
    pipelines.push(plain);
    const put = (body: object) => call('PUT', `${plain.api}/v1/event-types/no.registry`, tenant.apiKey, body);
    for (const [body, path] of [[{ avroSchema: orderV1 }, 'avroSchema'], [{ protobufSchema: shipmentProto }, 'protobufSchema'], [{ schema: invoiceSchema, recordFormat: 'registry' }, 'recordFormat']] as const) {
      const res = await put(body);
      expect(res.status).toBe(422);
      expect(res.json.errors).toEqual([{ path, message: expect.stringMatching(/schema registry/) }]);
    }
    const json = await put({ schema: invoiceSchema });
    expect(json.status).toBe(201);
    expect(json.json).toMatchObject({ schemaFormat: 'json', subject: null, schemaId: null, schemaVersion: 1 });
  });
});
