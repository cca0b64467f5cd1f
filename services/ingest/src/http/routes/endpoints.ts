import { eventTypeName } from '@hookline/contracts';
import type { Endpoint, EndpointsRepository } from '@hookline/db';
import { generateSecret, isValidSecret } from '@hookline/signing';
import { Router } from 'express';
import { z } from 'zod';
import { endpointUrlProblem } from '../../domain/endpoint-url.ts';
import { notFound } from '../../domain/errors.ts';
import { tenantOf } from '../auth.ts';
import { parseBody } from '../problem.ts';

const publicEndpoint = (e: Endpoint) => {
  const { tenantId: _tenantId, ...rest } = e;
  return rest;
};

/** Tenant routes: endpoints. */
export function endpointsRouter(endpoints: EndpointsRepository, opts: { allowHttp: boolean }): Router {
  const router = Router();

  const createEndpoint = z.object({
    url: z.string().superRefine((url, ctx) => {
      const problem = endpointUrlProblem(url, opts);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
    eventTypes: z.array(eventTypeName).max(500).optional(),
    description: z.string().max(1_000).optional(),
    secret: z.string().refine(isValidSecret, 'must be whsec_ followed by base64 of 24–64 bytes').optional(),
    headers: z.record(z.string().regex(/^[A-Za-z0-9-]{1,64}$/), z.string().max(1_000)).optional(),
    rateLimitPerSecond: z.number().int().positive().max(100_000).optional(),
    timeoutMs: z.number().int().min(1_000).max(30_000).optional(),
    maxConcurrency: z.number().int().positive().max(1_000).optional(),
    disabled: z.boolean().optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
  });

  router.post('/v1/endpoints', async (req, res) => {
    const input = parseBody(createEndpoint, req.body);
    const secret = input.secret ?? generateSecret();
    const endpoint = await endpoints.create(tenantOf(res), { ...input, secret });
    res.status(201).json({ ...publicEndpoint(endpoint), secret });
  });

  router.get('/v1/endpoints', async (req, res) => {
    const limit = Math.min(Math.max(Number(req.query.limit ?? 50) || 50, 1), 250);
    const cursor = typeof req.query.cursor === 'string' ? Buffer.from(req.query.cursor, 'base64url').toString() : undefined;
    const page = await endpoints.list(tenantOf(res), limit, cursor);
    const last = page.at(-1);
    res.json({
      data: page.map(publicEndpoint),
      nextCursor: page.length === limit && last ? Buffer.from(last.id).toString('base64url') : null,
    });
  });

  router.get('/v1/endpoints/:id', async (req, res) => {
    const endpoint = await endpoints.get(tenantOf(res), req.params.id);
    if (!endpoint) throw notFound('endpoint');
    res.json(publicEndpoint(endpoint));
  });

  return router;
}
