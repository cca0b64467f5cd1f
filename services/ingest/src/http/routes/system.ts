import { z } from 'zod';
import type { SystemMetrics } from '../../system/system-metrics.ts';
import type { ApiRoutes } from '../api-routes.ts';

const report = z.object({
  sampledAt: z.string(),
  services: z.array(
    z.object({
      name: z.string(),
      up: z.boolean(),
      consumerLag: z.array(z.object({ group: z.string(), topic: z.string(), lag: z.number() })),
      counters: z.record(z.string(), z.number()),
    }),
  ),
});

/** Tenant routes: the deployment's consumer lag and counters, from the services' metrics (the console's System page). */
export function systemRoutes(api: ApiRoutes, metrics: SystemMetrics): void {
  api.add(
    {
      method: 'get', path: '/v1/system/metrics', tag: 'System', auth: 'tenant',
      summary: 'Consumer lag and counter totals of ingest, dispatcher and tracker (rates: compare two samples)',
      responses: { 200: { description: 'One sample', schema: report } },
    },
    async (_req, res) => {
      res.json(await metrics.sample());
    },
  );
}
