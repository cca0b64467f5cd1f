import { timingSafeEqual, createHash } from 'node:crypto';
import type { Application, PortalSession, PortalSessionsRepository } from '@hookline/db';
import type { Request, RequestHandler, Response } from 'express';
import { forbidden, notFound, unauthorized } from '../domain/errors.ts';
import type { ApplicationResolver } from '../applications/application-resolver.ts';
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

/** What the guards need to know who is calling. */
export interface Callers {
  keys: ApiKeyCache;
  sessions: PortalSessionsRepository;
  applications: ApplicationResolver;
}

/**
 * Who may call a route:
 * - `tenant`: a tenant API key (`hk_…`);
 * - `default-app`: a tenant API key; the route acts on the tenant's default application;
 * - `app`: a tenant API key or a portal token of the application named by the `:app` path parameter (id or uid);
 *   a read-only portal session may only GET;
 * - `app-tenant`: as `app`, but tenant API keys only (a portal token is answered 403);
 * - `tenant-or-portal`: a tenant API key or any live portal token (the handler scopes by {@link portalOf});
 * - `portal`: a portal token only.
 */
export type CallerKind = 'tenant' | 'default-app' | 'app' | 'app-tenant' | 'tenant-or-portal' | 'portal';

type Who = { kind: 'tenant'; tenantId: string } | { kind: 'portal'; session: PortalSession };

async function identify(req: Request, c: Callers): Promise<Who | null> {
  const token = bearer(req);
  if (token?.startsWith('hk_')) {
    const tenantId = await c.keys.tenantFor(token);
    return tenantId ? { kind: 'tenant', tenantId } : null;
  }
  if (token?.startsWith('hlp_')) {
    const session = await c.sessions.forToken(token);
    return session ? { kind: 'portal', session } : null;
  }
  return null;
}

/** The guard of one kind of route; puts the tenant, the application and the portal session on `res.locals`. */
export function guard(kind: CallerKind, c: Callers): RequestHandler {
  return async (req, res, next) => {
    try {
      const who = await identify(req, c);
      if (!who) return next(unauthorized());
      const portal = who.kind === 'portal' ? who.session : undefined;
      if (portal && (kind === 'tenant' || kind === 'default-app')) return next(unauthorized());
      if (!portal && kind === 'portal') return next(unauthorized());
      if (portal && kind === 'app-tenant') return next(forbidden('HKL_PORTAL_FORBIDDEN', 'a portal session cannot do this; it needs a tenant API key'));
      const tenantId = portal ? portal.tenantId : (who as { tenantId: string }).tenantId;
      res.locals.tenantId = tenantId;
      if (portal) res.locals.portal = portal;
      if (kind === 'portal') {
        const app = await c.applications.find(tenantId, portal!.applicationId);
        if (!app) return next(unauthorized());
        res.locals.application = app;
      }
      if (kind === 'default-app') res.locals.application = await c.applications.defaultFor(tenantId);
      if (kind === 'app' || kind === 'app-tenant') {
        const ref = String(req.params.app);
        const app = ref.includes('\u0000') ? null : await c.applications.find(tenantId, ref);
        // Another application's id or uid is answered as if it did not exist.
        if (!app || (portal && app.id !== portal.applicationId)) return next(notFound('application'));
        res.locals.application = app;
      }
      if (portal?.readOnly && req.method !== 'GET' && kind !== 'portal') {
        return next(forbidden('HKL_READ_ONLY', 'this portal session is read-only'));
      }
      next();
    } catch (err) {
      next(err);
    }
  };
}

/** The authenticated tenant of a request that passed a guard. */
export const tenantOf = (res: { locals: Record<string, unknown> }): string => res.locals.tenantId as string;

/** The application a request acts on (`default-app`, `app` and `app-tenant` routes). */
export const appOf = (res: Response | { locals: Record<string, unknown> }): Application => res.locals.application as Application;

/** The portal session of the request, when a portal token was used. */
export const portalOf = (res: Response | { locals: Record<string, unknown> }): PortalSession | undefined => res.locals.portal as PortalSession | undefined;
