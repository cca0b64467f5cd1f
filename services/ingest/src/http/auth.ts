import { timingSafeEqual, createHash } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { unauthorized } from '../domain/errors.ts';
import type { ApiKeyCache } from './api-key-cache.ts';

const bearer = (req: Request): string | undefined => {
  const header = req.get('authorization');
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return match?.[1];
};

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Admin routes: the bearer token must equal `ADMIN_TOKEN` (compared in constant time). */
export function requireAdmin(adminToken: string | undefined): RequestHandler {
  const expected = adminToken ? digest(adminToken) : undefined;
  return (req, _res, next) => {
    const token = bearer(req);
    if (!expected || !token || !timingSafeEqual(digest(token), expected)) return next(unauthorized());
    next();
  };
}

/** Tenant routes: the bearer token is a live API key; the tenant id is put on `res.locals.tenantId`. */
export function requireTenant(keys: ApiKeyCache): RequestHandler {
  return async (req, res, next) => {
    const token = bearer(req);
    const tenantId = token?.startsWith('hk_') ? await keys.tenantFor(token) : null;
    if (!tenantId) return next(unauthorized());
    res.locals.tenantId = tenantId;
    next();
  };
}

/** The authenticated tenant of a request that passed {@link requireTenant}. */
export const tenantOf = (res: { locals: Record<string, unknown> }): string => res.locals.tenantId as string;
