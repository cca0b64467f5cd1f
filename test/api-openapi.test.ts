import { Validator } from '@seriousme/openapi-schema-validator';
import { createTestWorld, type TestWorld } from '@hookline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startPipeline, type Pipeline } from './support/pipeline.ts';

describe('GET /openapi.json', () => {
  let world: TestWorld;
  let pipeline: Pipeline;
  let doc: any;

  beforeAll(async () => {
    world = createTestWorld('api-openapi');
    pipeline = await startPipeline(world, { services: ['ingest'] });
    const res = await call('GET', `${pipeline.api}/openapi.json`);
    expect(res.status).toBe(200);
    doc = res.json;
  });
  afterAll(async () => {
    await pipeline?.stop();
    await world?.cleanup();
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    expect(doc.openapi).toBe('3.1.0');
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('documents every route the server serves, and nothing it does not', () => {
    const served = pipeline.routes.map((r) => `${r.method.toUpperCase()} ${r.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`).sort();
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
    expect(served.length).toBeGreaterThan(15);
    expect(documented).toEqual(served);
  });

  it('describes request bodies with the schemas the handlers validate with', async () => {
    const op = doc.paths['/v1/events'].post;
    const schema = op.requestBody.content['application/json'].schema;
    expect(schema.required).toEqual(expect.arrayContaining(['type', 'data']));
    expect(schema.properties.type.pattern).toBe('^[A-Za-z0-9_.:-]{1,128}$');
    expect(op.security).toEqual([{ apiKey: [] }]);
    expect(doc.paths['/v1/tenants'].post.security).toEqual([{ adminToken: [] }]);
  });
});
