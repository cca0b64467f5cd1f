import { eventTypeName } from '@hookline/contracts';
import type { EventType, EventTypesRepository } from '@hookline/db';
import { z } from 'zod';
import { notFound, validationFailed } from '../../domain/errors.ts';
import type { EventTypeCache } from '../../publishing/event-type-cache.ts';
import type { SchemaRegistryClient } from '../../schemas/schema-registry-client.ts';
import { DEFAULT_DIALECT, type SchemaValidator } from '../../schemas/schema-validator.ts';
import type { ApiRoutes } from '../api-routes.ts';
import { tenantOf } from '../auth.ts';
import { decodeCursor, page, pageOf, pageQuery } from '../pagination.ts';
import { parseQuery } from '../problem.ts';

const putEventType = z.strictObject({
  description: z.string().max(1_000).optional(),
  schema: z.record(z.string(), z.unknown()).nullable().optional().describe('JSON Schema for `data` (draft-07 unless $schema names another dialect)'),
});
const nameParam = z.object({ name: eventTypeName });
const eventTypeView = z
  .object({
    name: z.string(),
    description: z.string(),
    schema: z.record(z.string(), z.unknown()).nullable(),
    schemaVersion: z.number().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  });

const view = (t: EventType) => ({
  name: t.name,
  description: t.description,
  schema: t.schema,
  schemaVersion: t.schemaVersion,
  createdAt: t.createdAt.toISOString(),
  updatedAt: t.updatedAt.toISOString(),
});

/** Tenant routes: event types and their schemas. */
export function eventTypeRoutes(
  api: ApiRoutes,
  deps: { eventTypes: EventTypesRepository; cache: EventTypeCache; validator: SchemaValidator; registry: SchemaRegistryClient | undefined },
): void {
  const { eventTypes, cache, validator, registry } = deps;
  const nameOf = (raw: unknown) => {
    const parsed = eventTypeName.safeParse(String(raw));
    if (!parsed.success) throw validationFailed([{ path: 'name', message: parsed.error.issues[0]!.message }]);
    return parsed.data;
  };

  api.add(
    {
      method: 'put', path: '/v1/event-types/:name', tag: 'Event types', auth: 'tenant', params: nameParam, body: putEventType,
      summary: 'Create or replace an event type; with a schema, published data is validated against it',
      responses: {
        200: { description: 'Replaced', schema: eventTypeView },
        201: { description: 'Created', schema: eventTypeView },
        409: { description: 'The schema registry refused the schema as incompatible with the previous version' },
        503: { description: 'The schema registry did not answer' },
      },
    },
    async (req, res, input) => {
      const tenantId = tenantOf(res);
      const name = nameOf(req.params.name);
      const schema = input.schema ? { $schema: DEFAULT_DIALECT, ...input.schema } : null;
      if (schema) {
        const problem = validator.schemaProblem(schema);
        if (problem) throw validationFailed([{ path: 'schema', message: `is not a valid JSON Schema: ${problem}` }]);
      }
      const registered = schema && registry ? await registry.register(tenantId, name, schema) : null;
      const { eventType, created } = await eventTypes.upsert(tenantId, {
        name,
        description: input.description ?? '',
        schema,
        schemaId: registered?.id ?? null,
        schemaVersion: registered?.version ?? (schema ? 1 : null),
      });
      cache.invalidate(tenantId);
      res.status(created ? 201 : 200).json(view(eventType));
    },
  );

  const catalogue = [
    { path: '/v1/event-types', auth: 'tenant' as const, summary: "List the tenant's event types" },
    { path: '/v1/applications/:app/event-types', auth: 'app' as const, summary: "The tenant's event-type catalogue, as an application's portal shows it" },
  ];
  for (const { path, auth, summary } of catalogue) {
    api.add(
      {
        method: 'get', path, tag: 'Event types', auth, query: pageQuery, summary,
        responses: { 200: { description: 'A page of event types', schema: pageOf(eventTypeView) } },
      },
      async (req, res) => {
        const q = parseQuery(pageQuery, req.query);
        const items = await eventTypes.list(tenantOf(res), q.limit, decodeCursor(q.cursor));
        res.json(page(items.map(view), q.limit, (t) => t.name));
      },
    );
  }

  api.add(
    {
      method: 'get', path: '/v1/event-types/:name', tag: 'Event types', auth: 'tenant', params: nameParam, summary: 'Get an event type',
      responses: { 200: { description: 'The event type', schema: eventTypeView } },
    },
    async (req, res) => {
      const eventType = await eventTypes.get(tenantOf(res), String(req.params.name));
      if (!eventType) throw notFound('event type');
      res.json(view(eventType));
    },
  );

  api.add(
    {
      method: 'delete', path: '/v1/event-types/:name', tag: 'Event types', auth: 'tenant', params: nameParam, summary: 'Delete an event type',
      responses: { 204: { description: 'Deleted' } },
    },
    async (req, res) => {
      const tenantId = tenantOf(res);
      const name = String(req.params.name);
      if (!(await eventTypes.delete(tenantId, name))) throw notFound('event type');
      cache.invalidate(tenantId);
      await registry?.delete(tenantId, name).catch(() => {});
      res.status(204).end();
    },
  );
}
