import type { EndpointHealthRepository, EndpointsRepository, EndpointStatsRepository } from '@hookline/db';
import { z } from 'zod';
import { notFound, validationFailed } from '../../domain/errors.ts';
import type { RequeueRunner } from '../../requeue/requeue-runner.ts';
import type { ApiRoutes } from '../api-routes.ts';
import { appOf, tenantOf } from '../auth.ts';
import { APPLICATION_MOUNTS } from '../mounts.ts';
import type { ApplicationResolver } from '../../applications/application-resolver.ts';
import { parseQuery } from '../problem.ts';
import { applicationFilter } from './history.ts';
import { jobView, requeueStarted } from './jobs.ts';

const healthView = z.object({
  circuit: z.enum(['closed', 'open', 'half_open']),
  disabled: z.boolean(),
  disabledReason: z.string().nullable(),
  failingSince: z.string().nullable(),
  lastSuccessAt: z.string().nullable(),
  lastFailureAt: z.string().nullable(),
  attempts1h: z.number(),
  successRate1h: z.number().nullable(),
  p50Ms: z.number().nullable(),
  p99Ms: z.number().nullable(),
});
const recoverBody = z.strictObject({
  since: z.iso.datetime({ offset: true }).describe('Re-deliver deliveries created at or after this time'),
  until: z.iso.datetime({ offset: true }).optional().describe('… and before this time (default: now)'),
});

const iso = (d: Date | null | undefined) => d?.toISOString() ?? null;

const overviewQuery = z.object({
  application: z.string().min(1).max(128).optional().describe("Only this application's endpoints (its id or uid)"),
  limit: z.coerce.number().int().min(1).max(250).default(100),
});
const overviewLine = z.object({
  endpointId: z.string(),
  applicationId: z.string(),
  url: z.string(),
  circuit: z.enum(['closed', 'open', 'half_open']),
  disabled: z.boolean(),
  disabledReason: z.string().nullable(),
  failingSince: z.string().nullable(),
  attempts1h: z.number(),
  successRate1h: z.number().nullable(),
});

/** Tenant routes: an endpoint's health, and recovering what failed while it was down. */
export function endpointOperationRoutes(
  api: ApiRoutes,
  deps: { endpoints: EndpointsRepository; health: EndpointHealthRepository; stats: EndpointStatsRepository; requeue: RequeueRunner; applications: ApplicationResolver },
): void {
  api.add(
    {
      method: 'get', path: '/v1/endpoint-health', tag: 'Endpoints', auth: 'tenant', query: overviewQuery,
      summary: "Every endpoint's circuit and last hour across applications: open circuits and disabled endpoints first",
      responses: { 200: { description: 'The endpoints, worst first', schema: z.object({ data: z.array(overviewLine) }) } },
    },
    async (req, res) => {
      const q = parseQuery(overviewQuery, req.query);
      const applicationId = await applicationFilter(deps.applications, tenantOf(res), q.application);
      const lines = await deps.stats.overview(tenantOf(res), { applicationId, limit: q.limit });
      res.json({ data: lines.map((l) => ({ ...l, failingSince: l.failingSince?.toISOString() ?? null })) });
    },
  );

  for (const { prefix, auth } of APPLICATION_MOUNTS) {
    api.add(
      {
        method: 'get', path: `${prefix}/endpoints/:id/health`, tag: 'Endpoints', auth,
        summary: "An endpoint's circuit, failures and last hour of attempts",
        responses: { 200: { description: 'Health figures', schema: healthView } },
      },
      async (req, res) => {
        const endpoint = await deps.endpoints.get(tenantOf(res), String(req.params.id), appOf(res).id);
        if (!endpoint) throw notFound('endpoint');
        // The endpoint's state is the dispatcher's (endpoint_health); the last hour's figures are the tracker's rollups.
        const [health, stats] = await Promise.all([deps.health.get(endpoint.id), deps.stats.get(endpoint.id)]);
        res.json({
          circuit: health?.circuitState ?? 'closed',
          disabled: endpoint.disabled,
          disabledReason: endpoint.disabledReason,
          failingSince: iso(health?.failingSince),
          lastSuccessAt: iso(health?.lastSuccessAt),
          lastFailureAt: iso(health?.lastFailureAt),
          attempts1h: stats.attempts1h,
          successRate1h: stats.successRate1h,
          p50Ms: stats.p50Ms,
          p99Ms: stats.p99Ms,
        });
      },
    );

    api.add(
      {
        method: 'post', path: `${prefix}/endpoints/:id/recover`, tag: 'Endpoints', auth, body: recoverBody,
        summary: 'Re-deliver every delivery to this endpoint that ended failed or dead in the window',
        responses: { 202: { description: 'The recover job', schema: requeueStarted('replayed') } },
      },
      async (req, res, body) => {
        const tenantId = tenantOf(res);
        const endpoint = await deps.endpoints.get(tenantId, String(req.params.id), appOf(res).id);
        if (!endpoint) throw notFound('endpoint');
        const since = new Date(body.since);
        const until = body.until ? new Date(body.until) : undefined;
        if (until && until <= since) throw validationFailed([{ path: 'until', message: 'must be after since' }]);
        const { job } = await deps.requeue.begin(tenantId, 'recover', { applicationId: endpoint.applicationId, endpointId: endpoint.id, statuses: ['failed', 'dead'], since, ...(until ? { until } : {}) });
        res.status(202).json({ replayed: job.total, job: jobView(job) });
      },
    );
  }
}
