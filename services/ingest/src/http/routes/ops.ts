import type { Registry } from 'prom-client';
import { z } from 'zod';
import type { ApiRoutes } from '../api-routes.ts';

const checks = z.object({ checks: z.record(z.string(), z.boolean()) });

/** `/healthz` (alive), `/readyz` (dependencies answer), `/metrics` (Prometheus) and `/openapi.json`. */
export function opsRoutes(api: ApiRoutes, deps: { ready: () => Promise<Record<string, boolean>>; metrics: Registry; openApi: () => unknown }): void {
  api.add(
    {
      method: 'get', path: '/healthz', tag: 'Operations', auth: 'none', summary: 'Liveness',
      responses: { 200: { description: 'The process is alive', schema: z.object({ status: z.literal('ok') }) } },
    },
    (_req, res) => {
      res.json({ status: 'ok' });
    },
  );
  api.add(
    {
      method: 'get', path: '/readyz', tag: 'Operations', auth: 'none', summary: 'Readiness: Kafka and PostgreSQL answer',
      responses: {
        200: { description: 'Ready', schema: checks },
        503: { description: 'Not ready: the failing checks are false', schema: checks },
      },
    },
    async (_req, res) => {
      const checks = await deps.ready();
      res.status(Object.values(checks).every(Boolean) ? 200 : 503).json({ checks });
    },
  );
  api.add(
    {
      method: 'get', path: '/metrics', tag: 'Operations', auth: 'none', summary: 'Prometheus metrics',
      responses: { 200: { description: 'Prometheus text exposition' } },
    },
    async (_req, res) => {
      res.type(deps.metrics.contentType).send(await deps.metrics.metrics());
    },
  );
  api.add(
    {
      method: 'get', path: '/openapi.json', tag: 'Operations', auth: 'none', summary: 'This OpenAPI 3.1 document',
      responses: { 200: { description: 'The document' } },
    },
    (_req, res) => {
      res.json(deps.openApi());
    },
  );
}
