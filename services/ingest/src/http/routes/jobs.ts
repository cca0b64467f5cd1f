import type { RequeueJob, RequeueJobsRepository } from '@hookline/db';
import { z } from 'zod';
import { notFound } from '../../domain/errors.ts';
import type { ApiRoutes } from '../api-routes.ts';
import { portalOf, tenantOf } from '../auth.ts';

const jobSchema = z.object({
  id: z.string(),
  applicationId: z.string().nullable(),
  kind: z.enum(['replay', 'recover', 'redrive']),
  status: z.enum(['running', 'completed', 'failed']),
  total: z.number(),
  requeued: z.number(),
  missing: z.number().describe('Deliveries whose event is past retention: not re-enqueued'),
  error: z.string().nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});

/** The answer of a route that started a requeue job: `{<count field>, job}`. */
export const requeueStarted = (countField: 'replayed' | 'redriven') => z.object({ [countField]: z.number(), job: jobSchema });

export const jobView = (j: RequeueJob) => ({
  id: j.id,
  applicationId: j.filter.applicationId ?? null,
  kind: j.kind,
  status: j.status,
  total: j.total,
  requeued: j.requeued,
  missing: j.missing,
  error: j.error,
  createdAt: j.createdAt.toISOString(),
  finishedAt: j.finishedAt?.toISOString() ?? null,
});

/** Tenant routes: progress of replay, recover and redrive jobs. */
export function jobRoutes(api: ApiRoutes, jobs: RequeueJobsRepository): void {
  api.add(
    {
      method: 'get', path: '/v1/jobs/:id', tag: 'Jobs', auth: 'tenant-or-portal',
      summary: "Progress of a replay, recover or redrive job (a portal token sees its application's jobs only)",
      responses: { 200: { description: 'The job', schema: jobSchema } },
    },
    async (req, res) => {
      const job = await jobs.get(tenantOf(res), String(req.params.id));
      const portal = portalOf(res);
      if (!job || (portal && job.filter.applicationId !== portal.applicationId)) throw notFound('job');
      res.json(jobView(job));
    },
  );
}
