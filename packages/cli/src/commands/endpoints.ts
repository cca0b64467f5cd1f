import type { Command } from 'commander';
import { parseTime } from '../args/values.ts';
import { act, type CommandContext, type Runtime } from '../context.ts';
import { scopedPath } from './app-scope.ts';
import { paintStatus, record } from '../output/output.ts';
import { endpointBody, withEndpointFlags, type EndpointFlags } from './endpoint-body.ts';
import { endpointMessagesCommand } from './endpoint-messages.ts';
import { UsageError } from '../errors.ts';
import { jobStarted, type Job } from './jobs-shared.ts';
import { listRoute, withPaging, type ListOptions } from './listing.ts';

type Endpoint = Record<string, unknown> & { id: string; url: string; eventTypes: string[]; disabled: boolean; description: string };
/** What the secret routes answer: an HMAC secret, or an ed25519 endpoint's public key. */
type SigningKey = { secret?: string; scheme?: string; publicKey?: string };

const path = (ctx: CommandContext, id: string, rest = '') => scopedPath(ctx, `/endpoints/${encodeURIComponent(id)}${rest}`);

/** `hookline endpoints …`: where webhooks go (the application's with --app, else the default application's). */
export function endpointCommands(program: Command, runtime: Runtime): void {
  const endpoints = program.command('endpoints').alias('endpoint').description('create and operate endpoints (where webhooks are delivered)');

  withEndpointFlags(endpoints.command('create').description('create an endpoint; prints its id and signing secret'), 'create')
    .option('--url <url>', 'where to deliver (https://…); required unless --pull')
    .option('--pull', 'a pull endpoint: no URL, its consumer reads the webhooks (`endpoints messages`, `hookline listen`)')
    .action(
      act(runtime, async (ctx, opts: EndpointFlags & { pull?: boolean }) => {
        if (opts.pull && opts.url !== undefined) throw new UsageError('endpoints create: a pull endpoint (--pull) has no --url');
        if (!opts.pull && opts.url === undefined) throw new UsageError("endpoints create: required option '--url <url>' not specified (or --pull for a pull endpoint)");
        const body = { ...endpointBody(opts, 'create'), ...(opts.pull ? { type: 'pull' } : {}) };
        const created = await ctx.api.request<Endpoint>('POST', scopedPath(ctx, '/endpoints'), { body });
        ctx.out.result(created, () => record(ctx.out, created));
      }),
    );

  withPaging(endpoints.command('list').description('list endpoints (oldest first)')).action(
    act(runtime, async (ctx, opts: ListOptions) => {
      await listRoute<Endpoint>(ctx, scopedPath(ctx, '/endpoints'), opts, {}, [
        { header: 'ID', value: (e) => e.id },
        { header: 'URL', value: (e) => e.url },
        { header: 'EVENT TYPES', value: (e) => (e.eventTypes.length ? e.eventTypes : '*') },
        { header: 'STATE', value: (e) => (e.disabled ? 'disabled' : 'enabled'), paint: (s, e) => (e.disabled ? ctx.out.colors.red(s) : s) },
        { header: 'DESCRIPTION', value: (e) => e.description },
      ]);
    }),
  );

  endpoints
    .command('get')
    .description('show an endpoint (never its secret: see `endpoints secret`)')
    .argument('<endpointId>')
    .action(
      act(runtime, async (ctx, _opts, id: string) => {
        const ep = await ctx.api.request<Endpoint>('GET', path(ctx, id));
        ctx.out.result(ep, () => record(ctx.out, ep));
      }),
    );

  withEndpointFlags(endpoints.command('update').description('change fields of an endpoint (only those given)'), 'update')
    .argument('<endpointId>')
    .action(
      act(runtime, async (ctx, opts: EndpointFlags, id: string) => {
        const body = endpointBody(opts, 'update');
        const ep = await ctx.api.request<Endpoint>('PATCH', path(ctx, id), { body });
        ctx.out.result(ep, () => record(ctx.out, ep));
      }),
    );

  endpoints
    .command('delete')
    .description('delete an endpoint: nothing more is delivered to it')
    .argument('<endpointId>')
    .action(
      act(runtime, async (ctx, _opts, id: string) => {
        await ctx.api.request('DELETE', path(ctx, id));
        ctx.out.result({ deleted: true, id }, () => `deleted ${id}`);
      }),
    );

  endpointMessagesCommand(endpoints, runtime);

  endpoints
    .command('secret')
    .description("print an endpoint's signing secret (whsec_…), or for an ed25519 endpoint its public key (whpk_…)")
    .argument('<endpointId>')
    .action(
      act(runtime, async (ctx, _opts, id: string) => {
        const secret = await ctx.api.request<SigningKey>('GET', path(ctx, id, '/secret'));
        ctx.out.result(secret, () => secret.secret ?? secret.publicKey ?? '');
      }),
    );

  endpoints
    .command('rotate')
    .description('rotate the signing secret; the previous one keeps signing for the grace period')
    .argument('<endpointId>')
    .option('--secret <whsec>', 'the new secret (default: generated)')
    .action(
      act(runtime, async (ctx, opts: { secret?: string }, id: string) => {
        const rotated = await ctx.api.request<SigningKey>('POST', path(ctx, id, '/secret/rotate'), { body: opts.secret ? { secret: opts.secret } : {} });
        ctx.out.result(rotated, () => rotated.secret ?? rotated.publicKey ?? '');
      }),
    );

  endpoints
    .command('test')
    .description('send a webhook.test event to this endpoint alone')
    .argument('<endpointId>')
    .action(
      act(runtime, async (ctx, _opts, id: string) => {
        const sent = await ctx.api.request<{ eventId: string }>('POST', path(ctx, id, '/test'), { body: {} });
        ctx.out.result(sent, () => `${sent.eventId}\n${ctx.out.colors.dim(`see it: hookline events get ${sent.eventId}`)}`);
      }),
    );

  endpoints
    .command('health')
    .description("an endpoint's circuit, failures and last hour of attempts")
    .argument('<endpointId>')
    .action(
      act(runtime, async (ctx, _opts, id: string) => {
        const health = await ctx.api.request<Record<string, unknown> & { circuit: string }>('GET', path(ctx, id, '/health'));
        ctx.out.result(health, () => record(ctx.out, { ...health, circuit: paintStatus(ctx.out, health.circuit) }));
      }),
    );

  endpoints
    .command('recover')
    .description("re-deliver the endpoint's deliveries that ended failed or dead in a window")
    .argument('<endpointId>')
    .requiredOption('--since <time>', 'start of the window: ISO time, date, or a duration ago (2h, 1d)')
    .option('--until <time>', 'end of the window (default: now)')
    .option('--wait', 'follow the job until it ends (as `jobs watch`)')
    .action(
      act(runtime, async (ctx, opts: { since: string; until?: string; wait?: boolean }, id: string) => {
        const body = { since: parseTime(opts.since, new Date(), '--since'), ...(opts.until ? { until: parseTime(opts.until, new Date(), '--until') } : {}) };
        const answer = await ctx.api.request<{ replayed: number; job: Job }>('POST', path(ctx, id, '/recover'), { body });
        await jobStarted(ctx, answer, opts.wait);
      }),
    );
}
