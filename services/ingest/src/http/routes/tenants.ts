import type { TenantsRepository } from '@hookline/db';
import { Router } from 'express';
import { z } from 'zod';
import { notFound } from '../../domain/errors.ts';
import { parseBody } from '../problem.ts';

const createTenant = z.object({ name: z.string().trim().min(1).max(200) });

/** Admin routes: tenants and their API keys. */
export function tenantsRouter(tenants: TenantsRepository): Router {
  const router = Router();

  router.post('/v1/tenants', async (req, res) => {
    const { name } = parseBody(createTenant, req.body);
    const tenant = await tenants.create(name);
    const key = await tenants.createApiKey(tenant.id);
    res.status(201).json({ id: tenant.id, name: tenant.name, createdAt: tenant.createdAt, apiKey: key.apiKey });
  });

  router.post('/v1/tenants/:id/api-keys', async (req, res) => {
    if (!(await tenants.exists(req.params.id))) throw notFound('tenant');
    res.status(201).json(await tenants.createApiKey(req.params.id));
  });

  router.delete('/v1/tenants/:id/api-keys/:keyId', async (req, res) => {
    if (!(await tenants.revokeApiKey(req.params.id, req.params.keyId))) throw notFound('api key');
    res.status(204).end();
  });

  return router;
}
