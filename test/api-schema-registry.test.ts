import { infra, createTestWorld, type TestWorld } from '@hookline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTenant, startPipeline, type Pipeline } from './support/pipeline.ts';

const registryUrl = infra().schemaRegistryUrl;

describe.skipIf(!registryUrl)('event type schemas in the Confluent-compatible Schema Registry', () => {
  let world: TestWorld;
  let pipeline: Pipeline;
  let tenant: { id: string; apiKey: string };

  beforeAll(async () => {
    world = createTestWorld('api-schema-registry');
    pipeline = await startPipeline(world, { services: ['ingest'], env: { SCHEMA_REGISTRY_URL: registryUrl } });
    tenant = await createTenant(pipeline.api, world.env.ADMIN_TOKEN!);
  });
  afterAll(async () => {
    await pipeline?.stop();
    await world?.cleanup();
  });

  const subject = () => `hookline-${tenant.id}-shipment.sent`;
  const put = (schema: object) => call('PUT', `${pipeline.api}/v1/event-types/shipment.sent`, tenant.apiKey, { schema });
  const v1 = { type: 'object', properties: { orderId: { type: 'string' }, carrier: { type: 'string' } }, required: ['orderId'] };

  it('registers each schema version under a subject per tenant and type', async () => {
    const created = await put(v1);
    expect(created.status).toBe(201);
    expect(created.json.schemaVersion).toBe(1);
    const latest = await fetch(`${registryUrl}/subjects/${subject()}/versions/latest`).then((r) => r.json() as Promise<{ version: number; schema: string }>);
    expect(latest.version).toBe(1);
    expect(JSON.parse(latest.schema)).toMatchObject({ properties: { orderId: { type: 'string' } } });

    // Dropping a requirement is backward compatible: data valid under v1 stays valid.
    const v2 = await put({ ...v1, required: [] });
    expect(v2.status).toBe(200);
    expect(v2.json.schemaVersion).toBe(2);
  });

  it('refuses a change that breaks backward compatibility, keeping the current version', async () => {
    const breaking = await put({ ...v1, properties: { ...v1.properties, orderId: { type: 'integer' } } });
    expect(breaking.status).toBe(409);
    expect(breaking.headers['content-type']).toMatch(/problem\+json/);
    const current = await call('GET', `${pipeline.api}/v1/event-types/shipment.sent`, tenant.apiKey);
    expect(current.json.schemaVersion).toBe(2);
    expect((await call('POST', `${pipeline.api}/v1/events`, tenant.apiKey, { type: 'shipment.sent', data: { orderId: 5 } })).status).toBe(422);
  });

  it('reports the registry in /readyz', async () => {
    expect((await call('GET', `${pipeline.api}/readyz`)).json.checks.schemaRegistry).toBe(true);
  });
});
