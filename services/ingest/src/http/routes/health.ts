import { Router } from 'express';

/** `/healthz` (alive) and `/readyz` (Kafka and PostgreSQL answer). */
export function healthRouter(ready: () => Promise<Record<string, boolean>>): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const checks = await ready();
    res.status(Object.values(checks).every(Boolean) ? 200 : 503).json({ checks });
  });
  return router;
}
