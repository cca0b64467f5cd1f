import type { CallerKind } from './auth.ts';

/**
 * Where the routes acting on one application are served: under `/v1` for the tenant's default application (the
 * routes that existed before applications, unchanged), and under `/v1/applications/{app}` for any application,
 * by id or uid, with a tenant API key or that application's portal token.
 */
export interface Mount {
  prefix: string;
  auth: Extract<CallerKind, 'default-app' | 'app'>;
}

export const APPLICATION_MOUNTS: readonly Mount[] = [
  { prefix: '/v1', auth: 'default-app' },
  { prefix: '/v1/applications/:app', auth: 'app' },
];
