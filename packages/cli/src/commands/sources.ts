import type { Command } from 'commander';
import { act, type CommandContext, type Runtime } from '../context.ts';
import { record } from '../output/output.ts';
import { listRoute, withPaging, type ListOptions } from './listing.ts';
import { sourceBody, withSourceFlags, type SourceFlags } from './source-body.ts';

type Source = Record<string, unknown> & { id: string; name: string; provider: string; applicationId: string | null; createdAt: string };
type WithUrl = Source & { url: string };
type SourceRequest = Record<string, unknown> & {
  receivedAt: string;
  verification: 'verified' | 'failed' | 'skipped' | 'refused';
  reason: string | null;
  status: number;
  eventId: string | null;
  duplicate: boolean;
};

const path = (id: string, rest = '') => `/v1/sources/${encodeURIComponent(id)}${rest}`;

/** For people: the ingestion URL (shown by the API only at creation and on rotation) and the source's id. */
const urlOnce = (ctx: CommandContext, s: WithUrl) => {
  ctx.out.note(ctx.out.colors.dim('the URL is shown only now (rotate-token gives a new one): paste it into the provider\'s webhook settings'));
  return record(ctx.out, { url: s.url, id: s.id, name: s.name, provider: s.provider });
};

/** `hookline sources …`: inbound sources, ingestion URLs that verify a provider's webhooks and publish them as events. */
export function sourceCommands(program: Command, runtime: Runtime): void {
  const sources = program
    .command('sources')
    .alias('source')
    .description("create and operate inbound sources (URLs that receive a provider's webhooks as events)")
    .addHelpText('after', "\nExample:\n  hookline sources create --name 'GitHub org' --provider github --secret \"$GITHUB_WEBHOOK_SECRET\" --app acme-corp\n  hookline sources requests src_… --limit 20");

  withSourceFlags(sources.command('create').description('create a source; prints its ingestion URL (shown once) and id'), 'create').action(
    act(runtime, async (ctx, opts: SourceFlags) => {
      const created = await ctx.api.request<WithUrl>('POST', '/v1/sources', { body: sourceBody(opts, 'create', ctx.settings.app) });
      ctx.out.result(created, () => urlOnce(ctx, created));
    }),
  );

  withPaging(sources.command('list').description('list sources')).action(
    act(runtime, async (ctx, opts: ListOptions) => {
      await listRoute<Source>(ctx, '/v1/sources', opts, {}, [
        { header: 'ID', value: (s) => s.id },
        { header: 'NAME', value: (s) => s.name },
        { header: 'PROVIDER', value: (s) => s.provider },
        { header: 'APPLICATION', value: (s) => s.applicationId ?? 'default' },
        { header: 'CREATED', value: (s) => s.createdAt },
      ]);
    }),
  );

  sources
    .command('get')
    .description('show a source (never its URL token or secret)')
    .argument('<sourceId>')
    .action(
      act(runtime, async (ctx, _opts, id: string) => {
        const source = await ctx.api.request<Source>('GET', path(id));
        ctx.out.result(source, () => record(ctx.out, source));
      }),
    );

  withSourceFlags(sources.command('update').description('change fields of a source (only those given; the secret changes through rotate-secret)'), 'update')
    .argument('<sourceId>')
    .action(
      act(runtime, async (ctx, opts: SourceFlags, id: string) => {
        const source = await ctx.api.request<Source>('PATCH', path(id), { body: sourceBody(opts, 'update') });
        ctx.out.result(source, () => record(ctx.out, source));
      }),
    );

  sources
    .command('delete')
    .description('delete a source: its URL stops at once, its request log goes')
    .argument('<sourceId>')
    .action(
      act(runtime, async (ctx, _opts, id: string) => {
        await ctx.api.request('DELETE', path(id));
        ctx.out.result({ deleted: true, id }, () => `deleted ${id}`);
      }),
    );

  sources
    .command('rotate-token')
    .description('give the source a new ingestion URL and print it; the old URL answers 404 at once')
    .argument('<sourceId>')
    .action(
      act(runtime, async (ctx, _opts, id: string) => {
        const rotated = await ctx.api.request<WithUrl>('POST', path(id, '/token/rotate'), { body: {} });
        ctx.out.result(rotated, () => rotated.url);
      }),
    );

  sources
    .command('rotate-secret')
    .description('rotate the verification secret (password, token) and print it; the previous one keeps verifying for the grace period')
    .argument('<sourceId>')
    .option('--secret <secret>', 'the new secret (default: generated)')
    .action(
      act(runtime, async (ctx, opts: { secret?: string }, id: string) => {
        const rotated = await ctx.api.request<{ secret: string }>('POST', path(id, '/secret/rotate'), { body: opts.secret !== undefined ? { secret: opts.secret } : {} });
        ctx.out.result(rotated, () => rotated.secret);
      }),
    );

  withPaging(sources.command('requests').description("the source's request log, newest first: verification, answer, event").argument('<sourceId>')).action(
    act(runtime, async (ctx, opts: ListOptions, id: string) => {
      const c = ctx.out.colors;
      await listRoute<SourceRequest>(ctx, path(id, '/requests'), opts, {}, [
        { header: 'RECEIVED AT', value: (r) => r.receivedAt },
        {
          header: 'VERIFIED',
          value: (r) => (r.reason ? `${r.verification} (${r.reason})` : r.verification),
          paint: (s, r) => (r.verification === 'verified' ? c.green(s) : r.verification === 'skipped' ? s : c.red(s)),
        },
        { header: 'STATUS', value: (r) => r.status },
        { header: 'EVENT ID', value: (r) => r.eventId },
        { header: 'DUPLICATE', value: (r) => (r.duplicate ? 'yes' : 'no') },
      ]);
    }),
  );
}
