import type { PortalSessionsRepository } from '@hookline/db';
import type { Request } from 'express';
import { z } from 'zod';
import { notFound } from '../../domain/errors.ts';
import type { ApiRoutes } from '../api-routes.ts';
import { appOf, portalOf, tenantOf } from '../auth.ts';

const theme = z.strictObject({
  primaryColor: z.string().regex(/^#[0-9A-Fa-f]{6}$/, 'must be a colour like #4f46e5').optional(),
  logoUrl: z
    .string()
    .max(100_000)
    .regex(/^(https:\/\/[^\s"'<>]+|data:image\/(png|jpeg|gif|webp|svg\+xml);base64,[A-Za-z0-9+/=]+)$/, 'must be an https:// URL or a data:image/…;base64 URL')
    .optional(),
  name: z.string().trim().min(1).max(100).optional().describe('Your product name, shown in the portal header'),
  mode: z.enum(['auto', 'light', 'dark']).optional().describe('auto follows the viewer\'s system setting'),
});
const createSession = z.strictObject({
  expiresIn: z.number().int().min(60).max(2_592_000).optional().describe('Seconds until the link stops working (default 3600)'),
  readOnly: z.boolean().optional().describe('The customer can look but not change anything'),
  theme: theme.optional(),
});
const sessionCreated = z.object({
  id: z.string(),
  url: z.string().describe('The magic link: show it in an iframe or redirect to it'),
  token: z.string().describe('Bearer token of the portal API calls (hlp_…), shown once'),
  expiresAt: z.string(),
  readOnly: z.boolean(),
  applicationId: z.string(),
});
const currentSession = z.object({
  id: z.string(),
  applicationId: z.string(),
  application: z.object({ id: z.string(), uid: z.string().nullable(), name: z.string() }),
  readOnly: z.boolean(),
  theme: theme,
  expiresAt: z.string(),
});

/** Portal sessions: magic links into one application's self-service portal. */
export function portalSessionRoutes(api: ApiRoutes, deps: { sessions: PortalSessionsRepository; publicUrl: string | undefined }): void {
  const base = (req: Request) => deps.publicUrl?.replace(/\/+$/, '') ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`;

  api.add(
    {
      method: 'post', path: '/v1/applications/:app/portal-sessions', tag: 'Portal', auth: 'app-tenant', body: createSession,
      summary: "A magic link into the application's portal (default: valid 1 h; the token is stored only as a hash)",
      responses: { 201: { description: 'The session with its link and token', schema: sessionCreated } },
    },
    async (req, res, input) => {
      const app = appOf(res);
      const expiresAt = new Date(Date.now() + (input.expiresIn ?? 3_600) * 1_000);
      const session = await deps.sessions.create(tenantOf(res), app.id, { readOnly: input.readOnly ?? false, theme: input.theme ?? {}, expiresAt });
      res.status(201).json({
        id: session.id,
        url: `${base(req)}/portal/#token=${session.token}`,
        token: session.token,
        expiresAt: session.expiresAt.toISOString(),
        readOnly: session.readOnly,
        applicationId: app.id,
      });
    },
  );

  api.add(
    {
      method: 'delete', path: '/v1/applications/:app/portal-sessions/:id', tag: 'Portal', auth: 'app-tenant',
      summary: 'Revoke a portal session: its link and token stop working at once',
      responses: { 204: { description: 'Revoked' } },
    },
    async (req, res) => {
      if (!(await deps.sessions.revoke(tenantOf(res), appOf(res).id, String(req.params.id)))) throw notFound('portal session');
      res.status(204).end();
    },
  );

  api.add(
    {
      method: 'get', path: '/v1/portal-sessions/current', tag: 'Portal', auth: 'portal',
      summary: 'The portal session of this token: its application, whether it is read-only, its theme',
      responses: { 200: { description: 'The session', schema: currentSession } },
    },
    (_req, res) => {
      const s = portalOf(res)!;
      const app = appOf(res);
      res.json({
        id: s.id,
        applicationId: s.applicationId,
        application: { id: app.id, uid: app.uid, name: app.name },
        readOnly: s.readOnly,
        theme: s.theme,
        expiresAt: s.expiresAt.toISOString(),
      });
    },
  );

  api.add(
    {
      method: 'delete', path: '/v1/portal-sessions/current', tag: 'Portal', auth: 'portal',
      summary: 'Sign out of the portal: this token stops working',
      responses: { 204: { description: 'Signed out' } },
    },
    async (_req, res) => {
      const s = portalOf(res)!;
      await deps.sessions.revoke(s.tenantId, s.applicationId, s.id);
      res.status(204).end();
    },
  );
}
