import { externalId } from '@hookline/contracts';
import { UidTakenError, type Application, type ApplicationsRepository } from '@hookline/db';
import { z } from 'zod';
import { conflict, notFound } from '../../domain/errors.ts';
import type { ApplicationResolver } from '../../applications/application-resolver.ts';
import type { ApiRoutes } from '../api-routes.ts';
import { appOf, tenantOf } from '../auth.ts';
import { decodeCursor, page, pageOf, pageQuery } from '../pagination.ts';
import { parseQuery } from '../problem.ts';

const fields = {
  name: z.string().trim().min(1).max(200),
  uid: externalId.describe("Your own id for this customer (unique per tenant); accepted wherever an application id is"),
  metadata: z.record(z.string(), z.unknown()),
  rateLimitPerSecond: z.number().int().positive().max(100_000).nullable().describe('Events per second this application may be sent (429 above); null: only the tenant limit'),
};
const createApplication = z.strictObject({
  name: fields.name,
  uid: fields.uid.optional(),
  metadata: fields.metadata.optional(),
  rateLimitPerSecond: fields.rateLimitPerSecond.optional(),
});
const patchApplication = z.strictObject({
  name: fields.name.optional(),
  uid: fields.uid.nullable().optional(),
  metadata: fields.metadata.optional(),
  rateLimitPerSecond: fields.rateLimitPerSecond.optional(),
});
const applicationView = z.object({
  id: z.string(),
  uid: z.string().nullable(),
  name: z.string(),
  metadata: z.record(z.string(), z.unknown()),
  rateLimitPerSecond: z.number().nullable(),
  default: z.boolean().describe("The tenant's default application: tenant-level routes act on it"),
  endpoints: z.number().optional().describe('How many endpoints it has (lists only)'),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const applicationJson = (a: Application) => ({
  id: a.id,
  uid: a.uid,
  name: a.name,
  metadata: a.metadata,
  rateLimitPerSecond: a.rateLimitPerSecond,
  default: a.isDefault,
  createdAt: a.createdAt.toISOString(),
  updatedAt: a.updatedAt.toISOString(),
});

const uidTaken = (err: unknown) => {
  if (err instanceof UidTakenError) return conflict('HKL_APPLICATION_UID_TAKEN', `another application already has uid ${err.uid}`);
  return err;
};

/** Tenant routes: applications, the sender's customers, each with its own endpoints, event log and portal. */
export function applicationRoutes(api: ApiRoutes, deps: { applications: ApplicationsRepository; resolver: ApplicationResolver }): void {
  const { applications, resolver } = deps;

  api.add(
    {
      method: 'post', path: '/v1/applications', tag: 'Applications', auth: 'tenant', body: createApplication,
      summary: 'Create an application (one of your customers)',
      responses: {
        201: { description: 'The application', schema: applicationView },
        409: { description: 'Another application of the tenant has this uid' },
      },
    },
    async (_req, res, input) => {
      const app = await applications.create(tenantOf(res), input).catch((err: unknown) => { throw uidTaken(err); });
      res.status(201).json(applicationJson(app));
    },
  );

  api.add(
    {
      method: 'get', path: '/v1/applications', tag: 'Applications', auth: 'tenant', query: pageQuery,
      summary: "List the tenant's applications, with how many endpoints each has",
      responses: { 200: { description: 'A page of applications', schema: pageOf(applicationView) } },
    },
    async (req, res) => {
      const q = parseQuery(pageQuery, req.query);
      const items = await applications.list(tenantOf(res), q.limit, decodeCursor(q.cursor));
      const counts = await applications.endpointCounts(items.map((a) => a.id));
      res.json(page(items.map((a) => ({ ...applicationJson(a), endpoints: counts.get(a.id) ?? 0 })), q.limit, (a) => a.id));
    },
  );

  api.add(
    {
      method: 'get', path: '/v1/applications/:app', tag: 'Applications', auth: 'app',
      summary: 'Get an application (by id or uid)',
      responses: { 200: { description: 'The application', schema: applicationView } },
    },
    (_req, res) => {
      res.json(applicationJson(appOf(res)));
    },
  );

  api.add(
    {
      method: 'patch', path: '/v1/applications/:app', tag: 'Applications', auth: 'app-tenant', body: patchApplication,
      summary: 'Change an application',
      responses: {
        200: { description: 'The updated application', schema: applicationView },
        409: { description: 'Another application of the tenant has this uid' },
      },
    },
    async (_req, res, patch) => {
      const current = appOf(res);
      const updated = await applications.update(tenantOf(res), current.id, patch).catch((err: unknown) => { throw uidTaken(err); });
      resolver.forget(current);
      if (!updated) throw notFound('application');
      res.json(applicationJson(updated));
    },
  );

  api.add(
    {
      method: 'delete', path: '/v1/applications/:app', tag: 'Applications', auth: 'app-tenant',
      summary: 'Delete an application with its endpoints (their pending deliveries are dropped) and portal sessions',
      responses: {
        204: { description: 'Deleted' },
        409: { description: "The tenant's default application cannot be deleted" },
      },
    },
    async (_req, res) => {
      const app = appOf(res);
      if (app.isDefault) throw conflict('HKL_APPLICATION_DEFAULT', "the tenant's default application cannot be deleted (tenant-level routes act on it)");
      const deleted = await applications.delete(tenantOf(res), app.id);
      resolver.forget(app);
      if (!deleted) throw notFound('application');
      res.status(204).end();
    },
  );
}
