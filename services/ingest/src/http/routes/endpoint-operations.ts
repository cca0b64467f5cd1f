import type { EndpointHealthRepository, EndpointsRepository, EndpointStatsRepository } from '@hookline/db';
import { z } from 'zod';
import { notFound, validationFailed } from '../../domain/errors.ts';
import type { RequeueRunner } from '../../requeue/requeue-runner.ts';
import type { ApiRoutes } from '../api-routes.ts';
import { tenantOf } from '../auth.ts';
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
const newest = (a: Date | null | undefined, b: Date | null | undefined) => (a && b ? (a > b ? a : b) : (a ?? b ?? null));

/** Tenant routes: an endpoint's health, and recovering what failed while it was down. */
export function endpointOperationRoutes(
  api: ApiRoutes,
  deps: { endpoints: EndpointsRepository; health: EndpointHealthRepository; stats: EndpointStatsRepository; requeue: RequeueRunner },
): void {
  api.add(
    {
      method: 'get', path: '/v1/endpoints/:id/health', tag: 'Endpoints', auth: 'tenant',
      summary: "An endpoint's circuit, failures and last hour of attempts",
      responses: { 200: { description: 'Health figures', schema: healthView } },
    },
    async (req, res) => {
      const endpoint = await deps.endpoints.get(tenantOf(res), String(req.params.id));
      if (!endpoint) throw notFound('endpoint');
      const [circuit, stats] = await Promise.all([deps.health.get(endpoint.id), deps.stats.get(endpoint.id)]);
      res.json({
        circuit: circuit?.circuitState ?? 'closed',
        disabled: endpoint.disabled,
        disabledReason: endpoint.disabledReason,
        // The tracker's record of outcomes first; the dispatcher's view covers attempts not recorded yet.
        failingSince: iso(stats.failingSince ?? circuit?.failingSince),
        lastSuccessAt: iso(newest(stats.lastSuccessAt, circuit?.lastSuccessAt)),
        lastFailureAt: iso(newest(stats.lastFailureAt, circuit?.lastFailureAt)),
        attempts1h: stats.attempts1h,
        successRate1h: stats.successRate1h,
        p50Ms: stats.p50Ms,
        p99Ms: stats.p99Ms,
      });
    },
  );

  api.add(
    {
      method: 'post', path: '/v1/endpoints/:id/recover', tag: 'Endpoints', auth: 'tenant', body: recoverBody,
      summary: 'Re-deliver every delivery to this endpoint that ended failed or dead in the window',
      responses: { 202: { description: 'The recover job', schema: requeueStarted('replayed') } },
    },
    async (req, res, body) => {
      const tenantId = tenantOf(res);
      const endpoint = await deps.endpoints.get(tenantId, String(req.params.id));
      if (!endpoint) throw notFound('endpoint');
      const since = new Date(body.since);
      const until = body.until ? new Date(body.until) : undefined;
      if (until && until <= since) throw validationFailed([{ path: 'until', message: 'must be after since' }]);
      const { job } = await deps.requeue.begin(tenantId, 'recover', { endpointId: endpoint.id, statuses: ['failed', 'dead'], since, ...(until ? { until } : {}) });
      res.status(202).json({ replayed: job.total, job: jobView(job) });
    },
  );
}
