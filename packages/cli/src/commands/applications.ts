import type { Command } from 'commander';
import { parseInteger, parseJsonObject } from '../args/values.ts';
import { act, type Runtime } from '../context.ts';
import { UsageError } from '../errors.ts';
import { record } from '../output/output.ts';
import { applicationPath } from './app-scope.ts';
import { listRoute, withPaging, type ListOptions } from './listing.ts';

type Application = Record<string, unknown> & { id: string; uid: string | null; name: string; default: boolean; endpoints?: number };

/** The flags of `applications create` and `applications update`, as commander gives them. */
interface ApplicationFlags {
  name?: string;
  /** false: `--no-uid` (update: remove it). */
  uid?: string | false;
  metadata?: string;
  rateLimit?: string;
}

/** Adds the flags that set application fields. */
function withApplicationFlags(command: Command, mode: 'create' | 'update'): Command {
  if (mode === 'create') command.requiredOption('--name <name>', "the customer's name (1–200 characters)");
  else command.option('--name <name>', 'a new name');
  command.option('--uid <uid>', 'your own id for this customer (unique; usable wherever an application id is)');
  if (mode === 'update') command.option('--no-uid', 'remove the uid');
  return command
    .option('--metadata <json>', 'a JSON object kept with the application')
    .option('--rate-limit <perSecond>', "events per second it may be sent ('none' to lift it)");
}

/** Turns the flags into the body of POST /v1/applications or PATCH /v1/applications/{app}. */
function applicationBody(flags: ApplicationFlags, mode: 'create' | 'update'): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (flags.name !== undefined) body.name = flags.name;
  if (flags.uid !== undefined) body.uid = flags.uid === false ? null : flags.uid;
  if (flags.metadata !== undefined) body.metadata = parseJsonObject(flags.metadata, '--metadata');
  if (flags.rateLimit !== undefined) body.rateLimitPerSecond = flags.rateLimit === 'none' ? null : parseInteger(flags.rateLimit, '--rate-limit', 1);
  if (mode === 'update' && Object.keys(body).length === 0) throw new UsageError('nothing to update: give at least one field flag (see --help)');
  return body;
}

/** `hookline applications …`: the sender's customers, each with its own endpoints, event log and portal. */
export function applicationCommands(program: Command, runtime: Runtime): void {
  const apps = program
    .command('applications')
    .aliases(['apps', 'application'])
    .description('create and manage applications (your customers: each has its own endpoints, events and portal)')
    .addHelpText('after', '\nAct on one application\'s endpoints and events with the global --app <id or uid> (or HOOKLINE_APP):\n  hookline --app acme-corp endpoints create --url https://acme.example/hooks\n  hookline --app acme-corp events publish -t invoice.paid -d \'{"amount": 42}\'');

  withApplicationFlags(apps.command('create').description('create an application'), 'create').action(
    act(runtime, async (ctx, opts: ApplicationFlags) => {
      const created = await ctx.api.request<Application>('POST', '/v1/applications', { body: applicationBody(opts, 'create') });
      ctx.out.result(created, () => record(ctx.out, created));
    }),
  );

  withPaging(apps.command('list').description('list applications (oldest first) with how many endpoints each has')).action(
    act(runtime, async (ctx, opts: ListOptions) => {
      await listRoute<Application>(ctx, '/v1/applications', opts, {}, [
        { header: 'ID', value: (a) => a.id },
        { header: 'UID', value: (a) => a.uid },
        { header: 'NAME', value: (a) => a.name },
        { header: 'ENDPOINTS', value: (a) => a.endpoints },
        { header: 'DEFAULT', value: (a) => (a.default ? 'yes' : '') },
      ]);
    }),
  );

  apps
    .command('get')
    .description('show an application')
    .argument('<app>', 'its id (app_…) or uid')
    .action(
      act(runtime, async (ctx, _opts, app: string) => {
        const got = await ctx.api.request<Application>('GET', applicationPath(app));
        ctx.out.result(got, () => record(ctx.out, got));
      }),
    );

  withApplicationFlags(apps.command('update').description('change fields of an application (only those given)'), 'update')
    .argument('<app>', 'its id (app_…) or uid')
    .action(
      act(runtime, async (ctx, opts: ApplicationFlags, app: string) => {
        const updated = await ctx.api.request<Application>('PATCH', applicationPath(app), { body: applicationBody(opts, 'update') });
        ctx.out.result(updated, () => record(ctx.out, updated));
      }),
    );

  apps
    .command('delete')
    .description('delete an application with its endpoints (their pending deliveries stop) and portal links; asks nothing')
    .argument('<app>', 'its id (app_…) or uid')
    .action(
      act(runtime, async (ctx, _opts, app: string) => {
        // Read first, so the answer names what was deleted (the argument may be a uid).
        const gone = await ctx.api.request<Application>('GET', applicationPath(app));
        await ctx.api.request('DELETE', applicationPath(gone.id));
        const answer = { deleted: true, id: gone.id, uid: gone.uid, name: gone.name };
        ctx.out.result(answer, () => `deleted ${gone.id} (${gone.name}${gone.uid ? `, uid ${gone.uid}` : ''}) with its endpoints`);
      }),
    );
}
