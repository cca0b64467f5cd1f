import { Option, type Command } from 'commander';
import { parseSeconds } from '../args/values.ts';
import { act, type Runtime } from '../context.ts';
import { applicationPath } from './app-scope.ts';

/** POST /v1/applications/{app}/portal-sessions answers this. */
interface PortalSession {
  id: string;
  url: string;
  token: string;
  expiresAt: string;
  readOnly: boolean;
  applicationId: string;
}

interface PortalFlags {
  expiresIn?: string;
  readOnly?: boolean;
  primaryColor?: string;
  logoUrl?: string;
  themeName?: string;
  themeMode?: string;
}

/** Turns the flags into the body of POST /v1/applications/{app}/portal-sessions (the API checks the values). */
function sessionBody(flags: PortalFlags): Record<string, unknown> {
  const theme = Object.fromEntries(
    Object.entries({ primaryColor: flags.primaryColor, logoUrl: flags.logoUrl, name: flags.themeName, mode: flags.themeMode }).filter(([, v]) => v !== undefined),
  );
  return {
    ...(flags.expiresIn !== undefined ? { expiresIn: parseSeconds(flags.expiresIn, '--expires-in') } : {}),
    ...(flags.readOnly ? { readOnly: true } : {}),
    ...(Object.keys(theme).length ? { theme } : {}),
  };
}

/**
 * `hookline portal <app>`: a magic link into an application's self-service portal (printed alone on stdout, so
 * `open "$(hookline portal acme)"` works); `hookline portal revoke <app> <sessionId>` ends one at once.
 */
export function portalCommands(program: Command, runtime: Runtime): void {
  const portal = program
    .command('portal')
    .description("print a magic link into an application's customer portal (the link is its token: share it with that customer only)")
    .argument('<app>', 'the application id (app_…) or uid')
    .option('--expires-in <time>', 'how long the link works: seconds or a duration (60s–30d; default 1h)')
    .option('--read-only', 'the customer can look but not change anything')
    .option('--primary-color <#rrggbb>', 'your brand colour')
    .option('--logo-url <url>', 'your logo: an https:// URL or a data:image/…;base64 URL')
    .option('--theme-name <name>', 'your product name, shown in the portal header')
    .addOption(new Option('--theme-mode <mode>', 'light or dark, or auto (follows the viewer)').choices(['auto', 'light', 'dark']))
    .addHelpText('after', '\nExamples:\n  hookline portal acme-corp --expires-in 2h --primary-color "#4f46e5"\n  hookline portal acme-corp --read-only --json\n  hookline portal revoke acme-corp ps_…')
    .action(
      act(runtime, async (ctx, opts: PortalFlags, app: string) => {
        const session = await ctx.api.request<PortalSession>('POST', applicationPath(app, '/portal-sessions'), { body: sessionBody(opts) });
        ctx.out.result(session, () => session.url);
        if (!ctx.out.json) {
          const access = session.readOnly ? 'read-only, ' : '';
          ctx.out.note(ctx.out.colors.dim(`session ${session.id} (${access}expires ${session.expiresAt}); revoke it: hookline portal revoke ${app} ${session.id}`));
        }
      }),
    );

  portal
    .command('revoke')
    .description('revoke a portal session: its link and token stop working at once')
    .argument('<app>', 'the application id (app_…) or uid')
    .argument('<sessionId>', 'the id `hookline portal` printed')
    .action(
      act(runtime, async (ctx, _opts, app: string, id: string) => {
        await ctx.api.request('DELETE', applicationPath(app, `/portal-sessions/${encodeURIComponent(id)}`));
        ctx.out.result({ revoked: true, id }, () => `revoked ${id}`);
      }),
    );
}
