import type { CommandContext } from '../context.ts';

/** `/v1/applications/{app}` for an application id or uid. */
export const applicationPath = (app: string, rest = '') => `/v1/applications/${encodeURIComponent(app)}${rest}`;

/**
 * The path of a route that acts on one application's endpoints or events: under `/v1/applications/{app}` when
 * `--app` (HOOKLINE_APP, a profile's "app") names one, else the tenant-level `/v1` route, which acts on the
 * tenant's default application (`/v1/events` lists across applications).
 */
export const scopedPath = (ctx: CommandContext, rest: string) => (ctx.settings.app === undefined ? `/v1${rest}` : applicationPath(ctx.settings.app, rest));
