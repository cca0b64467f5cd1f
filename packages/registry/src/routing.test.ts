import { describe, expect, it } from 'vitest';
import type { DecodedFrame } from './framed-decoder.ts';
import { routeFrame } from './routing.ts';

const frame = (data: unknown, schemaName: string | undefined = 'com.acme.OrderPlaced'): DecodedFrame => ({ schemaId: 7, format: 'avro', schemaName, data });

describe('routing a decoded registry-framed record', () => {
  it('takes tenant, type, id and application from the hookline-* headers', () => {
    const headers = { 'hookline-tenant-id': Buffer.from('acme'), 'hookline-type': 'order.placed', 'hookline-event-id': 'e-1', 'hookline-application': 'cust-1' };
    expect(routeFrame('t', frame({ a: 1 }), headers, undefined)).toEqual({
      ok: true,
      value: { tenantId: 'acme', type: 'order.placed', id: 'e-1', application: 'cust-1', data: { a: 1 } },
    });
  });

  it('takes the metadata from the hookline-metadata header (a JSON object of strings), and refuses one that is not', () => {
    const headers = { 'hookline-tenant-id': 'acme', 'hookline-type': 'order.placed', 'hookline-metadata': Buffer.from('{"region":"eu"}') };
    expect(routeFrame('t', frame({ a: 1 }), headers, undefined)).toEqual({ ok: true, value: { tenantId: 'acme', type: 'order.placed', metadata: { region: 'eu' }, data: { a: 1 } } });
    expect(routeFrame('t', frame({}), { ...headers, 'hookline-metadata': '{region' }, undefined)).toMatchObject({ ok: false, reason: expect.stringContaining('hookline-metadata: not JSON') });
    expect(routeFrame('t', frame({}), { ...headers, 'hookline-metadata': '{"region":1}' }, undefined)).toMatchObject({ ok: false, reason: expect.stringContaining('metadata.region') });
  });

  it('fills what the headers lack from the topic mapping: fields, the schema name, literals; headers win', () => {
    const routing = { tenantId: '$.owner.tenant', type: '$schema.name', id: '$.seq', application: 'billing' };
    const data = { owner: { tenant: 'acme' }, seq: 42 };
    expect(routeFrame('t', frame(data), undefined, routing)).toEqual({
      ok: true,
      value: { tenantId: 'acme', type: 'com.acme.OrderPlaced', id: '42', application: 'billing', data },
    });
    expect(routeFrame('t', frame(data), { 'hookline-type': 'x.y' }, routing)).toMatchObject({ ok: true, value: { type: 'x.y' } });
  });

  it('names what is missing, and refuses what a JSON envelope would refuse', () => {
    expect(routeFrame('orders', frame({}), { 'hookline-type': 'a' }, undefined)).toEqual({
      ok: false,
      reason: 'HKL_REGISTRY_NO_ROUTING: a registry-framed record (schema 7) without tenantId (no hookline-tenant-id header and no mapping for topic orders)',
    });
    expect(routeFrame('orders', { ...frame({}), schemaName: undefined }, { 'hookline-tenant-id': 'acme' }, { type: '$schema.name' })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('type (no hookline-type header and the mapping\'s "$schema.name" is absent from the record)'),
    });
    expect(routeFrame('t', frame([1]), { 'hookline-tenant-id': 'acme', 'hookline-type': 'a' }, undefined)).toMatchObject({ ok: false, reason: expect.stringContaining('an array') });
    expect(routeFrame('t', frame({}), { 'hookline-tenant-id': 'ac me', 'hookline-type': 'a' }, undefined)).toMatchObject({ ok: false, reason: expect.stringContaining('tenantId: must match') });
  });
});
