import express from 'express';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ApiRoutes, openApiDocument } from './api-routes.ts';

const pass: express.RequestHandler = (_req, _res, next) => next();

function documentOf(add: (api: ApiRoutes) => void): any {
  const api = new ApiRoutes(express.Router(), () => pass);
  add(api);
  return openApiDocument(api.specs, { version: '0.0.0' });
}

describe('openApiDocument', () => {
  const doc = documentOf((api) => {
    api.add({ method: 'get', path: '/healthz', tag: 't', auth: 'none', summary: 's', responses: { 200: { description: 'ok' } } }, () => {});
    api.add(
      {
        method: 'put', path: '/v1/things/:name', tag: 't', auth: 'tenant', summary: 's',
        params: z.object({ name: z.string().regex(/^[a-z]+$/) }),
        body: z.strictObject({ size: z.number().optional() }),
        responses: { 200: { description: 'ok', schema: z.object({ name: z.string() }) }, 409: { description: 'taken' } },
      },
      () => {},
    );
    api.add(
      { method: 'post', path: '/v1/things', tag: 't', auth: 'admin', summary: 's', body: z.strictObject({ name: z.string() }), responses: { 201: { description: 'made' } } },
      () => {},
    );
  });

  it('lists every status an operation answers, and no default', () => {
    expect(Object.keys(doc.paths['/healthz'].get.responses)).toEqual(['200']);
    expect(Object.keys(doc.paths['/v1/things/{name}'].put.responses)).toEqual(['200', '400', '401', '404', '409', '413', '415', '422']);
    expect(Object.keys(doc.paths['/v1/things'].post.responses)).toEqual(['201', '400', '401', '413', '415', '422']);
  });

  it('describes errors as problem documents and successes with their schema', () => {
    const put = doc.paths['/v1/things/{name}'].put;
    expect(Object.keys(put.responses['409'].content)).toEqual(['application/problem+json']);
    expect(put.responses['409'].content['application/problem+json'].schema.required).toEqual(['type', 'title', 'status']);
    expect(put.responses['200'].content['application/json'].schema.properties).toHaveProperty('name');
  });

  it('shows checked path parameters, and makes a body optional only when {} is a valid one', () => {
    const put = doc.paths['/v1/things/{name}'].put;
    expect(put.parameters[0].schema.pattern).toBe('^[a-z]+$');
    expect(put.requestBody.required).toBe(false);
    expect(doc.paths['/v1/things'].post.requestBody.required).toBe(true);
  });
});
