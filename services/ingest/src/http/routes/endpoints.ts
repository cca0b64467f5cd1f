import { eventTypeName } from '@hookline/contracts';
import type { Endpoint, EndpointsRepository } from '@hookline/db';
import { generateSecret, isValidSecret } from '@hookline/signing';
import { z } from 'zod';
import { notFound, validationFailed } from '../../domain/errors.ts';
import type { PublishService } from '../../publishing/publish-service.ts';
import type { TargetChecker } from '../../targets/target-checker.ts';
import type { ApiRoutes } from '../api-routes.ts';
import { appOf, tenantOf } from '../auth.ts';
import { APPLICATION_MOUNTS } from '../mounts.ts';
import { decodeCursor, page, pageOf, pageQuery } from '../pagination.ts';
import { parseQuery } from '../problem.ts';

const secretMessage = 'must be whsec_ followed by base64 of 24–64 bytes';
// The pattern documents the shape (the OpenAPI document shows it); isValidSecret checks the decoded length.
const secretField = z
  .string()
  .regex(/^whsec_(?:[A-Za-z0-9+/]{4}){7,21}[A-Za-z0-9+/]{2}[A-Za-z0-9+/=]{2}$/, { message: secretMessage, abort: true })
  .refine(isValidSecret, secretMessage);
const headerName = z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'must be a header name (letters, digits, -)');
const reservedHeaders = /^(webhook-.*|content-type|content-length|host|user-agent|traceparent|tracestate|connection|transfer-encoding)$/i;

const endpointFields = {
  // Written out, scheme included, without the spaces and control characters `new URL` would silently drop (so the
  // document's pattern says what is refused; the scheme and address policy are checked by the TargetChecker).
  url: z
    .string()
    .max(2_048)
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
    .regex(/^[Hh][Tt][Tt][Pp][Ss]?:\/\/[^\u0000-\u0020\u007f]+$/, 'must be an absolute http(s):// URL without spaces or control characters'),
  eventTypes: z.array(eventTypeName).max(500),
  description: z.string().max(1_000),
  headers: z.record(headerName, z.string().max(1_000)).refine(
    (h) => Object.keys(h).every((k) => !reservedHeaders.test(k)),
    'must not set protocol headers (webhook-*, content-type, host, user-agent, traceparent, …)',
  ),
  rateLimitPerSecond: z.number().int().positive().max(100_000).nullable(),
  timeoutMs: z.number().int().min(1_000).max(30_000),
  maxConcurrency: z.number().int().positive().max(1_000),
  disabled: z.boolean(),
  metadata: z.record(z.string(), z.unknown()),
};
const createEndpoint = z.strictObject({
  url: endpointFields.url,
  eventTypes: endpointFields.eventTypes.optional(),
  description: endpointFields.description.optional(),
  secret: secretField.optional(),
  headers: endpointFields.headers.optional(),
  rateLimitPerSecond: endpointFields.rateLimitPerSecond.optional(),
  timeoutMs: endpointFields.timeoutMs.optional(),
  maxConcurrency: endpointFields.maxConcurrency.optional(),
  disabled: endpointFields.disabled.optional(),
  metadata: endpointFields.metadata.optional(),
});
const patchEndpoint = createEndpoint.omit({ secret: true }).partial();

const endpointView = z
  .object({
    id: z.string(),
    applicationId: z.string(),
    url: z.string(),
    description: z.string(),
    eventTypes: z.array(z.string()),
    headers: z.record(z.string(), z.string()),
    rateLimitPerSecond: z.number().nullable(),
    timeoutMs: z.number(),
    maxConcurrency: z.number(),
    disabled: z.boolean(),
    disabledReason: z.string().nullable(),
    metadata: z.record(z.string(), z.unknown()),
    createdAt: z.string(),
    updatedAt: z.string(),
  });
const secretView = z.object({ secret: z.string() });
const rotateSecret = z.strictObject({ secret: secretField.optional() });
const testSent = z.object({ eventId: z.string() });

/** Defaults shown for fields an endpoint leaves unset. */
export interface EndpointDefaults {
  timeoutMs: number;
  maxConcurrency: number;
  secretRotationGraceMs: number;
}

const view = (e: Endpoint, d: EndpointDefaults) => ({
  id: e.id,
  applicationId: e.applicationId,
  url: e.url,
  description: e.description,
  eventTypes: e.eventTypes,
  headers: e.headers,
  rateLimitPerSecond: e.rateLimitPerSecond,
  timeoutMs: e.timeoutMs ?? d.timeoutMs,
  maxConcurrency: e.maxConcurrency ?? d.maxConcurrency,
  disabled: e.disabled,
  disabledReason: e.disabledReason,
  metadata: e.metadata,
  createdAt: e.createdAt.toISOString(),
  updatedAt: e.updatedAt.toISOString(),
});

/** Tenant routes: endpoints, their secrets and test events. */
export function endpointRoutes(
  api: ApiRoutes,
  deps: { endpoints: EndpointsRepository; targets: TargetChecker; publish: PublishService; defaults: EndpointDefaults },
): void {
  const { endpoints, targets, defaults } = deps;
  const checkUrl = async (url: string | undefined) => {
    if (url === undefined) return;
    const problem = await targets.problem(url);
    if (problem) throw validationFailed([{ path: 'url', message: problem }]);
  };
  const mustExist = async (res: Parameters<typeof appOf>[0], id: string) => {
    const endpoint = await endpoints.get(tenantOf(res), id, appOf(res).id);
    if (!endpoint) throw notFound('endpoint');
    return endpoint;
  };

  for (const { prefix, auth } of APPLICATION_MOUNTS) {

    api.add(
      {
        method: 'post', path: `${prefix}/endpoints`, tag: 'Endpoints', auth, body: createEndpoint,
        summary: 'Create an endpoint (the response carries its signing secret)',
        responses: { 201: { description: 'The endpoint, with `secret`', schema: endpointView.extend({ secret: z.string() }) } },
      },
      async (_req, res, input) => {
        await checkUrl(input.url);
        const secret = input.secret ?? generateSecret();
        const endpoint = await endpoints.create(tenantOf(res), {
          ...input,
          applicationId: appOf(res).id,
          secret,
          timeoutMs: input.timeoutMs ?? defaults.timeoutMs,
          maxConcurrency: input.maxConcurrency ?? defaults.maxConcurrency,
        }).catch((err: unknown) => {
          // The application was deleted between the guard's lookup and the insert.
          throw err instanceof RangeError ? notFound('application') : err;
        });
        res.status(201).json({ ...view(endpoint, defaults), secret });
      },
    );

    api.add(
      {
        method: 'get', path: `${prefix}/endpoints`, tag: 'Endpoints', auth, query: pageQuery,
        summary: "List the application's endpoints",
        responses: { 200: { description: 'A page of endpoints', schema: pageOf(endpointView) } },
      },
      async (req, res) => {
        const q = parseQuery(pageQuery, req.query);
        const items = await endpoints.list(tenantOf(res), q.limit, decodeCursor(q.cursor), appOf(res).id);
        res.json(page(items.map((e) => view(e, defaults)), q.limit, (e) => e.id));
      },
    );

    api.add(
      {
        method: 'get', path: `${prefix}/endpoints/:id`, tag: 'Endpoints', auth, summary: 'Get an endpoint',
        responses: { 200: { description: 'The endpoint (never its secret)', schema: endpointView } },
      },
      async (req, res) => {
        res.json(view(await mustExist(res, String(req.params.id)), defaults));
      },
    );

    api.add(
      {
        method: 'patch', path: `${prefix}/endpoints/:id`, tag: 'Endpoints', auth, body: patchEndpoint,
        summary: 'Change an endpoint (re-enabling a disabled endpoint resumes delivery)',
        responses: { 200: { description: 'The updated endpoint', schema: endpointView } },
      },
      async (req, res, patch) => {
        await checkUrl(patch.url);
        const updated = await endpoints.update(tenantOf(res), String(req.params.id), patch, appOf(res).id);
        if (!updated) throw notFound('endpoint');
        res.json(view(updated, defaults));
      },
    );

    api.add(
      {
        method: 'delete', path: `${prefix}/endpoints/:id`, tag: 'Endpoints', auth, summary: 'Delete an endpoint',
        responses: { 204: { description: 'Deleted' } },
      },
      async (req, res) => {
        if (!(await endpoints.delete(tenantOf(res), String(req.params.id), appOf(res).id))) throw notFound('endpoint');
        res.status(204).end();
      },
    );

    api.add(
      {
        method: 'get', path: `${prefix}/endpoints/:id/secret`, tag: 'Endpoints', auth,
        summary: "Get the endpoint's current signing secret",
        responses: { 200: { description: 'The secret', schema: secretView } },
      },
      async (req, res) => {
        const secret = await endpoints.currentSecret(tenantOf(res), String(req.params.id), appOf(res).id);
        if (secret === null) throw notFound('endpoint');
        res.json({ secret });
      },
    );

    api.add(
      {
        method: 'post', path: `${prefix}/endpoints/:id/secret/rotate`, tag: 'Endpoints', auth, body: rotateSecret,
        summary: 'Rotate the signing secret; the previous one keeps signing for SECRET_ROTATION_GRACE',
        responses: { 200: { description: 'The new secret', schema: secretView } },
      },
      async (req, res, input) => {
        const secret = input.secret ?? generateSecret();
        if (!(await endpoints.rotateSecret(tenantOf(res), String(req.params.id), secret, defaults.secretRotationGraceMs, { applicationId: appOf(res).id }))) {
          throw notFound('endpoint');
        }
        res.json({ secret });
      },
    );

    api.add(
      {
        method: 'post', path: `${prefix}/endpoints/:id/test`, tag: 'Endpoints', auth,
        summary: 'Send a webhook.test event to this endpoint alone',
        responses: {
          202: { description: 'The test event was accepted', schema: testSent },
          429: { description: "Over the tenant's (TENANT_PUBLISH_RATE) or the application's publish rate; Retry-After says when to retry" },
          503: { description: 'Kafka did not acknowledge within PUBLISH_TIMEOUT_MS' },
        },
      },
      async (req, res) => {
        const endpoint = await mustExist(res, String(req.params.id));
        const { body } = await deps.publish.publishOne(tenantOf(res), appOf(res), {
          type: 'webhook.test',
          data: { message: 'This is a test event from Hookline.', endpointId: endpoint.id },
          endpointId: endpoint.id,
        });
        res.status(202).json({ eventId: body.id });
      },
    );
  }
}
