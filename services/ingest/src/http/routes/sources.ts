import { randomBytes } from 'node:crypto';
import { eventTypeName, externalId } from '@hookline/contracts';
import type { Source, SourceRequest, SourceRequestsRepository, SourcesRepository } from '@hookline/db';
import { generateSecret } from '@hookline/signing';
import type { Request } from 'express';
import { z } from 'zod';
import type { ApplicationResolver } from '../../applications/application-resolver.ts';
import { conflict, notFound } from '../../domain/errors.ts';
import { isCidr } from '../../inbound/client-address.ts';
import { hasSecret, PROVIDERS, type Provider } from '../../domain/inbound/providers.ts';
import type { SourceResolver } from '../../inbound/source-resolver.ts';
import { checkRotatedSecret, verificationFor } from '../../inbound/source-verification.ts';
import type { ApiRoutes } from '../api-routes.ts';
import { tenantOf } from '../auth.ts';
import { decodeCursor, page, pageOf, pageQuery } from '../pagination.ts';
import { parseQuery } from '../problem.ts';

const headerName = z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'must be a header name (letters, digits, -)');
const secretText = z.string().min(1).max(500);
const verification = z
  .strictObject({
    secret: secretText.optional().describe('github, stripe, shopify, slack, standard-webhooks (whsec_…), hmac'),
    header: headerName.optional().describe('hmac: the signature header; bearer (default Authorization) and api-key (default X-API-Key): the credential header'),
    algorithm: z.enum(['sha1', 'sha256', 'sha512']).optional().describe('hmac'),
    encoding: z.enum(['hex', 'base64']).optional().describe('hmac'),
    prefix: z.string().max(64).optional().describe('hmac: text before the signature, e.g. sha256='),
    username: z.string().min(1).max(200).optional().describe('basic'),
    password: secretText.optional().describe('basic'),
    token: secretText.optional().describe('bearer, api-key'),
  })
  .describe('What the provider needs: {secret} for github, stripe, shopify, slack and standard-webhooks; {secret, header, algorithm, encoding, prefix?} for hmac; {username, password} for basic; {header?, token} for bearer and api-key; {} for none');
const fields = {
  name: z.string().trim().min(1).max(200),
  eventType: eventTypeName.nullable().describe("A fixed event type for every event of this source; null: the provider's (GitHub X-GitHub-Event + action, Stripe type, Shopify topic, …)"),
  application: externalId.nullable().describe("The application (id or uid) the events go to; null: the tenant's default application"),
  allowedIps: z.array(z.string().max(64).refine(isCidr, 'must be an IPv4 or IPv6 address or CIDR')).max(100).describe('Only these addresses may post (403 otherwise); empty: anyone'),
  rateLimitPerSecond: z.number().int().positive().max(100_000).nullable().describe('Requests per second this source accepts (429 above); null: no limit of its own'),
  response: z.strictObject({
    status: z.number().int().min(200).max(299).optional().describe('Status of the answer to an accepted request (default 202)'),
    body: z.string().max(10_000).nullable().optional().describe('Body of that answer (JSON when it parses, text otherwise); null: {"id": <event id>}'),
  }),
};
const createSource = z.strictObject({
  name: fields.name,
  provider: z.enum(PROVIDERS),
  verification: verification.optional(),
  eventType: fields.eventType.optional(),
  application: fields.application.optional(),
  allowedIps: fields.allowedIps.optional(),
  rateLimitPerSecond: fields.rateLimitPerSecond.optional(),
  response: fields.response.optional(),
});
const patchSource = z.strictObject({
  name: fields.name.optional(),
  eventType: fields.eventType.optional(),
  application: fields.application.optional(),
  allowedIps: fields.allowedIps.optional(),
  rateLimitPerSecond: fields.rateLimitPerSecond.optional(),
  response: fields.response.optional(),
});
const rotateSecret = z.strictObject({ secret: secretText.optional().describe('The new secret; generated when absent') });

const sourceView = z.object({
  id: z.string(),
  name: z.string(),
  provider: z.enum(PROVIDERS),
  verification: z.record(z.string(), z.unknown()).describe('The non-secret settings (header, algorithm, encoding, prefix, username); never a secret'),
  eventType: z.string().nullable(),
  applicationId: z.string().nullable(),
  allowedIps: z.array(z.string()),
  rateLimitPerSecond: z.number().nullable(),
  response: z.object({ status: z.number(), body: z.string().nullable() }),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const withUrl = sourceView.extend({ url: z.string().describe('The ingestion URL (/in/<token>): shown here and on token rotation only') });
const requestView = z.object({
  id: z.string(),
  receivedAt: z.string(),
  remoteAddress: z.string(),
  verification: z.enum(['verified', 'failed', 'skipped', 'refused']),
  reason: z.string().nullable(),
  status: z.number(),
  eventId: z.string().nullable(),
  eventType: z.string().nullable(),
  deliveryId: z.string().nullable(),
  duplicate: z.boolean(),
  headers: z.record(z.string(), z.string()),
  bodyBytes: z.number(),
});

const view = (s: Source) => {
  const { provider: _p, ...settings } = s.settings;
  return {
    id: s.id,
    name: s.name,
    provider: s.provider as Provider,
    verification: settings,
    eventType: s.eventType,
    applicationId: s.applicationId,
    allowedIps: s.allowedIps,
    rateLimitPerSecond: s.rateLimitPerSecond,
    response: { status: s.responseStatus, body: s.responseBody },
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
  };
};
const requestJson = (r: SourceRequest) => ({
  id: r.id,
  receivedAt: r.receivedAt.toISOString(),
  remoteAddress: r.remoteAddress,
  verification: r.verification as 'verified',
  reason: r.reason,
  status: r.status,
  eventId: r.eventId,
  eventType: r.eventType,
  deliveryId: r.deliveryId,
  duplicate: r.duplicate,
  headers: r.headers,
  bodyBytes: r.bodyBytes,
});

export interface SourceRouteDeps {
  sources: SourcesRepository;
  requests: SourceRequestsRepository;
  resolver: SourceResolver;
  applications: ApplicationResolver;
  /** How long a rotated-out verification secret keeps verifying. */
  secretRotationGraceMs: number;
  /** Base of ingestion URLs (PUBLIC_URL); unset: the request's own origin. */
  publicUrl: string | undefined;
}

/** Tenant routes: inbound sources (ingestion URLs that verify a provider's webhooks and publish them as events). */
export function sourceRoutes(api: ApiRoutes, deps: SourceRouteDeps): void {
  const { sources, requests, resolver } = deps;
  const base = (req: Request) => deps.publicUrl?.replace(/\/+$/, '') ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`;
  const urlOf = (req: Request, token: string) => `${base(req)}/in/${token}`;
  /** The application id a source names (null: the default application); 404 when the tenant has no such application. */
  const applicationId = async (tenantId: string, ref: string | null | undefined): Promise<string | null | undefined> => {
    if (ref === undefined || ref === null) return ref;
    const app = ref.includes('\u0000') ? null : await deps.applications.find(tenantId, ref);
    if (!app) throw notFound('application');
    return app.id;
  };
  const mustExist = async (tenantId: string, id: string) => {
    const source = await sources.get(tenantId, id);
    if (!source) throw notFound('source');
    return source;
  };

  api.add(
    {
      method: 'post', path: '/v1/sources', tag: 'Sources', auth: 'tenant', body: createSource,
      summary: 'Create an inbound source: an ingestion URL that verifies a provider\'s webhooks and publishes them as events',
      responses: {
        201: { description: 'The source, with its ingestion `url` (shown only here and on token rotation)', schema: withUrl },
        404: { description: 'The tenant has no application with this id or uid' },
      },
    },
    async (req, res, input) => {
      const tenantId = tenantOf(res);
      const appId = await applicationId(tenantId, input.application);
      const { settings, secret } = verificationFor(input.provider, input.verification ?? {});
      const created = await sources.create(tenantId, {
        applicationId: appId ?? null,
        name: input.name,
        provider: input.provider,
        settings: settings as Record<string, unknown>,
        secret,
        eventType: input.eventType,
        allowedIps: input.allowedIps,
        rateLimitPerSecond: input.rateLimitPerSecond,
        responseStatus: input.response?.status,
        responseBody: input.response?.body,
      });
      resolver.forget(created.id);
      res.status(201).json({ ...view(created), url: urlOf(req, created.token) });
    },
  );

  api.add(
    {
      method: 'get', path: '/v1/sources', tag: 'Sources', auth: 'tenant', query: pageQuery,
      summary: "List the tenant's inbound sources",
      responses: { 200: { description: 'A page of sources', schema: pageOf(sourceView) } },
    },
    async (req, res) => {
      const q = parseQuery(pageQuery, req.query);
      const items = await sources.list(tenantOf(res), q.limit, decodeCursor(q.cursor));
      res.json(page(items.map(view), q.limit, (s) => s.id));
    },
  );

  api.add(
    {
      method: 'get', path: '/v1/sources/:id', tag: 'Sources', auth: 'tenant', summary: 'Get an inbound source',
      responses: { 200: { description: 'The source (never its URL token or secrets)', schema: sourceView } },
    },
    async (req, res) => {
      res.json(view(await mustExist(tenantOf(res), String(req.params.id))));
    },
  );

  api.add(
    {
      method: 'patch', path: '/v1/sources/:id', tag: 'Sources', auth: 'tenant', body: patchSource,
      summary: 'Change an inbound source (its verification changes through secret rotation)',
      responses: { 200: { description: 'The updated source', schema: sourceView } },
    },
    async (req, res, patch) => {
      const tenantId = tenantOf(res);
      const id = String(req.params.id);
      await mustExist(tenantId, id);
      const appId = await applicationId(tenantId, patch.application);
      const updated = await sources.update(tenantId, id, {
        name: patch.name,
        eventType: patch.eventType,
        applicationId: appId,
        allowedIps: patch.allowedIps,
        rateLimitPerSecond: patch.rateLimitPerSecond,
        responseStatus: patch.response?.status,
        responseBody: patch.response?.body,
      });
      resolver.forget(id);
      if (!updated) throw notFound('source');
      res.json(view(updated));
    },
  );

  api.add(
    {
      method: 'delete', path: '/v1/sources/:id', tag: 'Sources', auth: 'tenant', summary: 'Delete an inbound source (its URL stops at once) and its request log',
      responses: { 204: { description: 'Deleted' } },
    },
    async (req, res) => {
      const id = String(req.params.id);
      const deleted = await sources.delete(tenantOf(res), id);
      resolver.forget(id);
      if (!deleted) throw notFound('source');
      res.status(204).end();
    },
  );

  api.add(
    {
      method: 'post', path: '/v1/sources/:id/token/rotate', tag: 'Sources', auth: 'tenant',
      summary: 'Give the source a new ingestion URL; the previous one stops at once',
      responses: { 200: { description: 'The source with its new `url`', schema: withUrl } },
    },
    async (req, res) => {
      const id = String(req.params.id);
      const rotated = await sources.rotateToken(tenantOf(res), id);
      resolver.forget(id);
      if (!rotated) throw notFound('source');
      res.json({ ...view(rotated.source), url: urlOf(req, rotated.token) });
    },
  );

  api.add(
    {
      method: 'post', path: '/v1/sources/:id/secret/rotate', tag: 'Sources', auth: 'tenant', body: rotateSecret,
      summary: 'Rotate the verification secret (password, token); the previous one keeps verifying for SECRET_ROTATION_GRACE',
      responses: {
        200: { description: 'The new secret', schema: z.object({ secret: z.string() }) },
        409: { description: 'The provider (none) verifies nothing' },
      },
    },
    async (req, res, input) => {
      const tenantId = tenantOf(res);
      const id = String(req.params.id);
      const source = await mustExist(tenantId, id);
      const provider = source.provider as Provider;
      if (!hasSecret(provider)) throw conflict('HKL_SOURCE_NO_SECRET', 'a source with provider none has no secret to rotate');
      const secret = input.secret ?? (provider === 'standard-webhooks' ? generateSecret() : randomBytes(32).toString('base64url'));
      checkRotatedSecret(provider, secret);
      if (!(await sources.rotateSecret(tenantId, id, secret, deps.secretRotationGraceMs))) throw notFound('source');
      resolver.forget(id);
      res.json({ secret });
    },
  );

  api.add(
    {
      method: 'get', path: '/v1/sources/:id/requests', tag: 'Sources', auth: 'tenant', query: pageQuery,
      summary: "The source's inbound requests, newest first: verification result, answer, event id",
      responses: { 200: { description: 'A page of requests', schema: pageOf(requestView) } },
    },
    async (req, res) => {
      const q = parseQuery(pageQuery, req.query);
      const tenantId = tenantOf(res);
      const id = String(req.params.id);
      await mustExist(tenantId, id);
      const items = await requests.list(tenantId, id, q.limit, decodeCursor(q.cursor));
      res.json(page(items.map(requestJson), q.limit, (r) => r.id));
    },
  );
}
