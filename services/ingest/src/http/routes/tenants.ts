import type { TenantsRepository } from '@hookline/db';
import { z } from 'zod';
import { notFound } from '../../domain/errors.ts';
import type { ApiKeyCache } from '../api-key-cache.ts';
import type { ApiRoutes } from '../api-routes.ts';

const createTenant = z.strictObject({ name: z.string().trim().min(1).max(200) });
const tenantCreated = z.object({ id: z.string(), name: z.string(), createdAt: z.string(), apiKey: z.string() });
const apiKeyCreated = z.object({ id: z.string(), apiKey: z.string() });

/** Admin routes: tenants and their API keys. */
export function tenantRoutes(api: ApiRoutes, tenants: TenantsRepository, keys: ApiKeyCache): void {
  api.add(
    {
      method: 'post', path: '/v1/tenants', tag: 'Tenants', auth: 'admin', body: createTenant,
      summary: 'Create a tenant with its first API key (shown once)',
      responses: { 201: { description: 'The tenant and its API key', schema: tenantCreated } },
    },
    async (_req, res, { name }) => {
      const tenant = await tenants.create(name);
      const key = await tenants.createApiKey(tenant.id);
      res.status(201).json({ id: tenant.id, name: tenant.name, createdAt: tenant.createdAt, apiKey: key.apiKey });
    },
  );

  api.add(
    {
      method: 'post', path: '/v1/tenants/:id/api-keys', tag: 'Tenants', auth: 'admin',
      summary: 'Issue another API key for a tenant (shown once)',
      responses: { 201: { description: 'The new key', schema: apiKeyCreated } },
    },
    async (req, res) => {
      const id = String(req.params.id);
      if (!(await tenants.exists(id))) throw notFound('tenant');
      res.status(201).json(await tenants.createApiKey(id));
    },
  );

  api.add(
    {
      method: 'delete', path: '/v1/tenants/:id/api-keys/:keyId', tag: 'Tenants', auth: 'admin',
      summary: 'Revoke an API key',
      responses: { 204: { description: 'Revoked' } },
    },
    async (req, res) => {
      if (!(await tenants.revokeApiKey(String(req.params.id), String(req.params.keyId)))) throw notFound('api key');
      keys.revoked(String(req.params.keyId));
      res.status(204).end();
    },
  );
}
