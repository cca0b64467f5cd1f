import { eventTypeName } from '@hookline/contracts';
import type { Endpoint, EndpointsRepository, SignatureScheme } from '@hookline/db';
import { generateSecret, generateSigningKeyPair, isSigningKey, isValidSecret, publicKeyOf } from '@hookline/signing';
import { z } from 'zod';
import { notFound, validationFailed } from '../../domain/errors.ts';
import type { PublishService } from '../../publishing/publish-service.ts';
import type { TargetChecker } from '../../targets/target-checker.ts';
import type { ApiRoutes } from '../api-routes.ts';
import { checkBrokers, checkPullFields, destinationView, endpointType, expiresInSeconds, kafkaDestination, toKafkaDestination } from './endpoint-destinations.ts';
import { filterField } from './endpoint-filters.ts';
import { endpointOrdering, orderingOnDead } from './endpoint-ordering.ts';
import { appOf, tenantOf } from '../auth.ts';
import { APPLICATION_MOUNTS } from '../mounts.ts';
import { decodeCursor, page, pageOf, pageQuery } from '../pagination.ts';
import { parseQuery } from '../problem.ts';

const secretMessage = 'must be whsec_ followed by base64 of 24–64 bytes (hmac-sha256), or whsk_ followed by base64 of a 32-byte ed25519 seed (ed25519)';
// The pattern documents the shape (the OpenAPI document shows it); isValidSecret and isSigningKey check the decoded length.
const secretField = z
  .string()
  .regex(/^(?:whsec_(?:[A-Za-z0-9+/]{4}){7,21}[A-Za-z0-9+/]{2}[A-Za-z0-9+/=]{2}|whsk_[A-Za-z0-9+/]{43}=)$/, { message: secretMessage, abort: true })
  .refine((s) => isValidSecret(s) || isSigningKey(s), secretMessage);
const signatureScheme = z
  .enum(['hmac-sha256', 'ed25519'])
  .describe(
    'How deliveries are signed (Standard Webhooks): `hmac-sha256` (default) signs `v1,` with a shared `whsec_` secret; ' +
      '`ed25519` signs `v1a,` with a secret key that never leaves Hookline, and receivers verify with its `whpk_` public key.',
  );
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
  filter: filterField,
  ordering: endpointOrdering,
  orderingOnDead: orderingOnDead,
};
const createEndpoint = z.strictObject({
  url: endpointFields.url.optional().describe('Where an `http` endpoint POSTs (required for `http`; `kafka` and `pull` endpoints have none)'),
  type: endpointType.optional(),
  kafka: kafkaDestination.optional(),
  expiresInSeconds: expiresInSeconds.optional(),
  eventTypes: endpointFields.eventTypes.optional(),
  description: endpointFields.description.optional(),
  secret: secretField.optional().describe('The signing secret (`whsec_`) or, for `ed25519`, secret key (`whsk_`); generated when absent'),
  signatureScheme: signatureScheme.optional(),
  headers: endpointFields.headers.optional(),
  rateLimitPerSecond: endpointFields.rateLimitPerSecond.optional(),
  timeoutMs: endpointFields.timeoutMs.optional(),
  maxConcurrency: endpointFields.maxConcurrency.optional(),
  disabled: endpointFields.disabled.optional(),
  metadata: endpointFields.metadata.optional(),
  filter: endpointFields.filter.optional(),
  ordering: endpointFields.ordering.optional(),
  orderingOnDead: endpointFields.orderingOnDead.optional(),
});
const patchEndpoint = createEndpoint.omit({ secret: true, signatureScheme: true, type: true, expiresInSeconds: true }).partial();

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
    filter: z.record(z.string(), z.unknown()).nullable().describe('The content filter (docs/filters.md); null: none'),
    signatureScheme,
    ...destinationView,
    ordering: endpointOrdering,
    orderingOnDead,
    createdAt: z.string(),
    updatedAt: z.string(),
  });
const publicKeyView = z.object({
  scheme: z.literal('ed25519'),
  publicKey: z.string().describe('`whpk_` + base64 of the ed25519 public key: what receivers verify `v1a` signatures with'),
});
const secretView = z.union([z.object({ secret: z.string().describe('The `whsec_` HMAC secret') }), publicKeyView]);
const rotateSecret = z.strictObject({ secret: secretField.optional().describe('The new secret (`whsec_`) or secret key (`whsk_`, ed25519 endpoints); generated when absent') });

/** A new signing key of the endpoint's scheme, or the given one when it is of that scheme. */
function signingKey(scheme: SignatureScheme, given: string | undefined, path: string): string {
  if (given === undefined) return scheme === 'ed25519' ? generateSigningKeyPair().secretKey : generateSecret();
  if (isSigningKey(given) !== (scheme === 'ed25519')) {
    throw validationFailed([{ path, message: scheme === 'ed25519' ? 'an ed25519 endpoint signs with a whsk_ secret key' : 'an hmac-sha256 endpoint signs with a whsec_ secret' }]);
  }
  return given;
}

/** What the API may show of a signing key: an HMAC secret itself, of an ed25519 key only its public half. */
const shownKey = (secret: string) => (isSigningKey(secret) ? { scheme: 'ed25519' as const, publicKey: publicKeyOf(secret) } : { secret });
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
  filter: e.filter,
  signatureScheme: e.signatureScheme,
  type: e.type,
  kafka: e.kafka,
  expiresAt: e.expiresAt ? e.expiresAt.toISOString() : null,
  ordering: e.ordering,
  orderingOnDead: e.orderingOnDead,
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
        summary: 'Create an endpoint (the response carries its signing secret, or for ed25519 its public key)',
        responses: {
          201: {
            description: 'The endpoint, with `secret` (hmac-sha256) or `publicKey` (ed25519: the secret key is never shown)',
            schema: endpointView.extend({ secret: z.string().optional(), publicKey: z.string().optional() }),
          },
        },
      },
      async (_req, res, input) => {
        const scheme = input.signatureScheme ?? 'hmac-sha256';
        const secret = signingKey(scheme, input.secret, 'secret');
        const type = input.type ?? 'http';
        if (type === 'http' && input.url === undefined) throw validationFailed([{ path: 'url', message: 'an http endpoint needs a url' }]);
        if (type === 'http' && input.kafka !== undefined) throw validationFailed([{ path: 'kafka', message: 'only a kafka endpoint has kafka settings' }]);
        if (type === 'kafka' && input.kafka === undefined) throw validationFailed([{ path: 'kafka', message: 'a kafka endpoint needs kafka settings (bootstrapServers, topic)' }]);
        if (type === 'kafka' && input.url !== undefined) throw validationFailed([{ path: 'url', message: 'a kafka endpoint has no url' }]);
        checkPullFields(type, input);
        await checkUrl(input.url);
        if (input.kafka) await checkBrokers(targets, input.kafka);
        const { kafka, url, ...rest } = input;
        const endpoint = await endpoints.create(tenantOf(res), {
          ...rest,
          url: url ?? '',
          type,
          kafka: kafka ? toKafkaDestination(kafka) : undefined,
          applicationId: appOf(res).id,
          secret,
          signatureScheme: scheme,
          timeoutMs: input.timeoutMs ?? defaults.timeoutMs,
          maxConcurrency: input.maxConcurrency ?? defaults.maxConcurrency,
        }).catch((err: unknown) => {
          // The application was deleted between the guard's lookup and the insert.
          throw err instanceof RangeError ? notFound('application') : err;
        });
        const shown = shownKey(secret);
        res.status(201).json({ ...view(endpoint, defaults), ...('publicKey' in shown ? { publicKey: shown.publicKey } : shown) });
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
      async (req, res, input) => {
        if (input.url !== undefined || input.kafka !== undefined) {
          const { type } = await mustExist(res, String(req.params.id));
          if (type === 'kafka' && input.url !== undefined) throw validationFailed([{ path: 'url', message: 'a kafka endpoint has no url' }]);
          if (type === 'pull') checkPullFields(type, input);
          if (type !== 'kafka' && input.kafka !== undefined) throw validationFailed([{ path: 'kafka', message: 'only a kafka endpoint has kafka settings' }]);
        }
        await checkUrl(input.url);
        if (input.kafka) await checkBrokers(targets, input.kafka);
        const { kafka, ...rest } = input;
        const patch = { ...rest, ...(kafka ? { kafka: toKafkaDestination(kafka) } : {}) };
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
        summary: "Get the endpoint's current signing secret (for an ed25519 endpoint: its public key, never the secret key)",
        responses: { 200: { description: '`{secret}` (hmac-sha256) or `{scheme: "ed25519", publicKey}`', schema: secretView } },
      },
      async (req, res) => {
        const secret = await endpoints.currentSecret(tenantOf(res), String(req.params.id), appOf(res).id);
        if (secret === null) throw notFound('endpoint');
        res.json(shownKey(secret));
      },
    );

    api.add(
      {
        method: 'post', path: `${prefix}/endpoints/:id/secret/rotate`, tag: 'Endpoints', auth, body: rotateSecret,
        summary: 'Rotate the signing secret (or ed25519 key, of the same scheme); the previous one keeps signing beside it for SECRET_ROTATION_GRACE',
        responses: { 200: { description: 'The new secret, or for ed25519 the new public key', schema: secretView } },
      },
      async (req, res, input) => {
        const endpoint = await mustExist(res, String(req.params.id));
        const secret = signingKey(endpoint.signatureScheme, input.secret, 'secret');
        if (!(await endpoints.rotateSecret(tenantOf(res), endpoint.id, secret, defaults.secretRotationGraceMs, { applicationId: appOf(res).id }))) {
          throw notFound('endpoint');
        }
        res.json(shownKey(secret));
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
