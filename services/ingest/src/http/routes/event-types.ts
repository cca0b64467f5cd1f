import { eventTypeName } from '@hookline/contracts';
import type { EventType, EventTypesRepository, SchemaFormat } from '@hookline/db';
import { z } from 'zod';
import { notFound, validationFailed } from '../../domain/errors.ts';
import type { EventTypeCache } from '../../publishing/event-type-cache.ts';
import { avroCodec, protobufCodec } from '../../schemas/binary-codecs.ts';
import type { RegistrySchemas } from '../../schemas/registry-schemas.ts';
import { canonicalJson, SchemaProblem } from '../../schemas/schema-codec.ts';
import { REGISTRY_TYPES, SchemaRegistryClient } from '../../schemas/schema-registry-client.ts';
import { DEFAULT_DIALECT, type SchemaValidator } from '../../schemas/schema-validator.ts';
import type { ApiRoutes } from '../api-routes.ts';
import { tenantOf } from '../auth.ts';
import { decodeCursor, page, pageOf, pageQuery } from '../pagination.ts';
import { parseQuery } from '../problem.ts';

const schemaFields = ['schema', 'avroSchema', 'protobufSchema'] as const;
const putEventType = z.strictObject({
  description: z.string().max(1_000).optional(),
  schema: z.record(z.string(), z.unknown()).nullable().optional().describe('JSON Schema for `data` (draft-07 unless $schema names another dialect)'),
  avroSchema: z
    .union([z.record(z.string(), z.unknown()), z.string()])
    .nullable()
    .optional()
    .describe('Avro record schema for `data` (the schema object, or its JSON text); needs a schema registry (SCHEMA_REGISTRY_URL)'),
  protobufSchema: z
    .string()
    .nullable()
    .optional()
    .describe("Protobuf schema for `data` (a .proto text; the first message it declares is the event's); needs a schema registry (SCHEMA_REGISTRY_URL)"),
  recordFormat: z
    .enum(['json', 'registry'])
    .optional()
    .describe('How published events of this type are written to the events topic: json (the JSON envelope, default) or registry (registry-framed: magic byte, schema id, payload in the schema\'s format, routing in headers)'),
});
const nameParam = z.object({ name: eventTypeName });
const eventTypeView = z
  .object({
    name: z.string(),
    description: z.string(),
    schemaFormat: z.enum(['json', 'avro', 'protobuf']).nullable(),
    schema: z.record(z.string(), z.unknown()).nullable(),
    avroSchema: z.record(z.string(), z.unknown()).nullable(),
    protobufSchema: z.string().nullable(),
    subject: z.string().nullable(),
    schemaId: z.number().nullable(),
    schemaVersion: z.number().nullable(),
    recordFormat: z.enum(['json', 'registry']),
    createdAt: z.string(),
    updatedAt: z.string(),
  });

const view = (t: EventType) => ({
  name: t.name,
  description: t.description,
  schemaFormat: t.schemaFormat,
  schema: t.schema,
  avroSchema: t.avroSchema,
  protobufSchema: t.protobufSchema,
  subject: t.subject,
  schemaId: t.schemaId,
  schemaVersion: t.schemaVersion,
  recordFormat: t.recordFormat,
  createdAt: t.createdAt.toISOString(),
  updatedAt: t.updatedAt.toISOString(),
});

type PutInput = z.output<typeof putEventType>;

/** The schema of a PUT, checked and compiled: what is stored, what is registered, and its fingerprint. */
interface CheckedSchema {
  format: SchemaFormat;
  field: (typeof schemaFields)[number];
  stored: Pick<EventType, 'schema' | 'avroSchema' | 'protobufSchema'>;
  text: string;
  fingerprint: string;
}

/** Checks the body's schema (at most one, in a format the deployment can hold); 422 naming every problem. */
async function checkSchema(input: PutInput, validator: SchemaValidator, hasRegistry: boolean): Promise<CheckedSchema | null> {
  const given = schemaFields.filter((f) => input[f] !== undefined && input[f] !== null);
  const problems: Array<{ path: string; message: string }> = [];
  if (given.length > 1) {
    for (const f of given) problems.push({ path: f, message: `only one of ${schemaFields.join(', ')} may be given` });
  }
  if (input.recordFormat === 'registry' && (given.length === 0 || !hasRegistry)) {
    problems.push({ path: 'recordFormat', message: 'registry framing needs a schema registered in a schema registry (a schema, and SCHEMA_REGISTRY_URL set)' });
  }
  const field = given[0];
  if (field === 'avroSchema' || field === 'protobufSchema') {
    if (!hasRegistry) problems.push({ path: field, message: 'Avro and Protobuf schemas live in a schema registry, and this deployment has none (SCHEMA_REGISTRY_URL is not set)' });
  }
  if (problems.length > 0 || field === undefined) {
    if (problems.length > 0) throw validationFailed(problems);
    return null;
  }
  try {
    if (field === 'schema') {
      const schema = { $schema: DEFAULT_DIALECT, ...input.schema! };
      const problem = validator.schemaProblem(schema);
      if (problem) throw new SchemaProblem(`is not a valid JSON Schema: ${problem}`);
      return { format: 'json', field, stored: { schema, avroSchema: null, protobufSchema: null }, text: JSON.stringify(schema), fingerprint: canonicalJson(schema) };
    }
    if (field === 'avroSchema') {
      const { compileAvro, parseAvroDocument } = await avroCodec();
      const doc = parseAvroDocument(input.avroSchema);
      const { fingerprint } = compileAvro(doc);
      return { format: 'avro', field, stored: { schema: null, avroSchema: doc, protobufSchema: null }, text: JSON.stringify(doc), fingerprint };
    }
    const text = input.protobufSchema!;
    const { fingerprint } = (await protobufCodec()).compileProtobuf(text);
    return { format: 'protobuf', field, stored: { schema: null, avroSchema: null, protobufSchema: text }, text, fingerprint };
  } catch (err) {
    if (err instanceof SchemaProblem) throw validationFailed([{ path: field, message: err.message }]);
    throw err;
  }
}

/** Tenant routes: event types and their schemas. */
export function eventTypeRoutes(
  api: ApiRoutes,
  deps: {
    eventTypes: EventTypesRepository;
    cache: EventTypeCache;
    validator: SchemaValidator;
    registry: SchemaRegistryClient | undefined;
    schemas: RegistrySchemas;
  },
): void {
  const { eventTypes, cache, validator, registry, schemas } = deps;
  const nameOf = (raw: unknown) => {
    const parsed = eventTypeName.safeParse(String(raw));
    if (!parsed.success) throw validationFailed([{ path: 'name', message: parsed.error.issues[0]!.message }]);
    return parsed.data;
  };

  api.add(
    {
      method: 'put', path: '/v1/event-types/:name', tag: 'Event types', auth: 'tenant', params: nameParam, body: putEventType,
      summary: 'Create or replace an event type; with a schema (JSON Schema, Avro or Protobuf), published data is validated against it',
      responses: {
        200: { description: 'Replaced', schema: eventTypeView },
        201: { description: 'Created', schema: eventTypeView },
        409: { description: "The schema registry refused the schema as incompatible with the subject's current version (or of another format); `detail` has its explanation" },
        503: { description: 'The schema registry did not answer; Retry-After says when to retry' },
      },
    },
    async (req, res, input) => {
      const tenantId = tenantOf(res);
      const name = nameOf(req.params.name);
      const checked = await checkSchema(input, validator, registry !== undefined);
      const subject = checked && registry ? SchemaRegistryClient.subject(tenantId, name) : null;
      const registered = checked && registry ? await registry.register(subject!, REGISTRY_TYPES[checked.format], checked.text, checked.field) : null;
      if (registered) schemas.seed(registered.id, checked!.fingerprint);
      const { eventType, created } = await eventTypes.upsert(tenantId, {
        name,
        description: input.description ?? '',
        schemaFormat: checked?.format ?? null,
        ...(checked?.stored ?? { schema: null, avroSchema: null, protobufSchema: null }),
        subject,
        schemaId: registered?.id ?? null,
        schemaVersion: registered?.version ?? (checked ? 1 : null),
        recordFormat: input.recordFormat ?? 'json',
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
      await registry?.delete(SchemaRegistryClient.subject(tenantId, name)).catch(() => {});
      res.status(204).end();
    },
  );
}
