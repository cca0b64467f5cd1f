import type { DeliveriesRepository, Delivery, EndpointsRepository } from '@hookline/db';
import { z } from 'zod';
import { notFound } from '../../domain/errors.ts';
import type { RequeueRunner } from '../../requeue/requeue-runner.ts';
import type { ApiRoutes } from '../api-routes.ts';
import { tenantOf } from '../auth.ts';
import { pageOf } from '../pagination.ts';
import { parseQuery } from '../problem.ts';
import type { ApplicationResolver } from '../../applications/application-resolver.ts';
import { applicationFilter, withCursor } from './history.ts';
import { jobView, requeueStarted } from './jobs.ts';

const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(250).default(50),
  cursor: z.string().max(500).optional(),
  endpointId: z.string().min(1).optional().describe("Only this endpoint's dead letters"),
  application: z.string().min(1).max(128).optional().describe("Only this application's dead letters (its id or uid)"),
});
const redriveBody = z.strictObject({
  application: z.string().min(1).max(128).optional().describe("Only this application's dead letters (its id or uid)"),
  endpointId: z.string().min(1).optional(),
  since: z.iso.datetime({ offset: true }).optional().describe('Only deliveries created at or after this time'),
});
const deadLetter = z.object({
  id: z.string(),
  eventId: z.string(),
  endpointId: z.string(),
  applicationId: z.string().nullable(),
  eventType: z.string().nullable(),
  attempts: z.number(),
  lastStatusCode: z.number().nullable(),
  lastError: z.string().nullable(),
  lastAttemptAt: z.string().nullable(),
  createdAt: z.string(),
});

const view = (d: Delivery) => ({
  id: d.id,
  eventId: d.eventId,
  endpointId: d.endpointId,
  applicationId: d.applicationId,
  eventType: d.eventType,
  attempts: d.attempts,
  lastStatusCode: d.lastStatusCode,
  lastError: d.lastError,
  lastAttemptAt: d.lastAttemptAt?.toISOString() ?? null,
  createdAt: d.createdAt.toISOString(),
});

/** Tenant routes: dead letters (deliveries whose retries are exhausted) and redriving them. */
export function deadLetterRoutes(api: ApiRoutes, deps: { deliveries: DeliveriesRepository; endpoints: EndpointsRepository; requeue: RequeueRunner; applications: ApplicationResolver }): void {
  api.add(
    {
      method: 'get', path: '/v1/dead-letters', tag: 'Dead letters', auth: 'tenant', query: listQuery,
      summary: 'List dead letters, newest first',
      responses: { 200: { description: 'A page of dead deliveries', schema: pageOf(deadLetter) } },
    },
    async (req, res) => {
      const q = parseQuery(listQuery, req.query);
      const applicationId = await applicationFilter(deps.applications, tenantOf(res), q.application);
      const page = await withCursor(() =>
        deps.deliveries.listByStatus(tenantOf(res), ['dead'], { limit: q.limit, cursor: q.cursor, endpointId: q.endpointId, applicationId }),
      );
      res.json({ data: page.data.map(view), nextCursor: page.nextCursor });
    },
  );

  api.add(
    {
      method: 'post', path: '/v1/dead-letters/redrive', tag: 'Dead letters', auth: 'tenant', body: redriveBody,
      summary: 'Re-deliver dead letters in the background (bounded batches; progress at /v1/jobs/{id})',
      responses: {
        202: { description: 'The redrive job', schema: requeueStarted('redriven') },
        404: { description: 'No such endpoint (endpointId) or application' },
      },
    },
    async (_req, res, body) => {
      const tenantId = tenantOf(res);
      const applicationId = await applicationFilter(deps.applications, tenantId, body.application, '404');
      if (body.endpointId && !(await deps.endpoints.get(tenantId, body.endpointId, applicationId))) throw notFound('endpoint');
      const { job } = await deps.requeue.begin(tenantId, 'redrive', {
        statuses: ['dead'],
        ...(applicationId ? { applicationId } : {}),
        ...(body.endpointId ? { endpointId: body.endpointId } : {}),
        ...(body.since ? { since: new Date(body.since) } : {}),
      });
      res.status(202).json({ redriven: job.total, job: jobView(job) });
    },
  );
}
