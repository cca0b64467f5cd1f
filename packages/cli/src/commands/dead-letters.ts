import type { Command } from 'commander';
import { parseTime } from '../args/values.ts';
import { act, type Runtime } from '../context.ts';
import { jobStarted, type Job } from './jobs-shared.ts';
import { listRoute, withPaging, type ListOptions } from './listing.ts';

type DeadLetter = { id: string; eventId: string; endpointId: string; eventType: string | null; attempts: number; lastStatusCode: number | null; lastError: string | null; lastAttemptAt: string | null };

/** `hookline dead-letters …`: deliveries whose retries ran out, and redriving them (one application's with --app: `?application=`). */
export function deadLetterCommands(program: Command, runtime: Runtime): void {
  const dl = program.command('dead-letters').alias('dlq').description('list dead letters (retries exhausted) and redrive them');

  withPaging(dl.command('list').description('list dead letters, newest first'))
    .option('--endpoint <endpointId>', "only this endpoint's")
    .action(
      act(runtime, async (ctx, opts: ListOptions & { endpoint?: string }) => {
        await listRoute<DeadLetter>(ctx, '/v1/dead-letters', opts, { endpointId: opts.endpoint, application: ctx.settings.app }, [
          { header: 'DELIVERY', value: (d) => d.id },
          { header: 'EVENT', value: (d) => d.eventId },
          { header: 'TYPE', value: (d) => d.eventType },
          { header: 'ENDPOINT', value: (d) => d.endpointId },
          { header: 'ATTEMPTS', value: (d) => d.attempts },
          { header: 'LAST CODE', value: (d) => d.lastStatusCode },
          { header: 'LAST ERROR', value: (d) => d.lastError },
          { header: 'LAST ATTEMPT', value: (d) => d.lastAttemptAt },
        ]);
      }),
    );

  dl.command('redrive')
    .description('re-deliver dead letters in the background (all, or one endpoint’s, or since a time)')
    .option('--endpoint <endpointId>', "only this endpoint's")
    .option('--since <time>', 'only deliveries created since: ISO time, date, or a duration ago (2h, 1d)')
    .option('--wait', 'follow the job until it ends (as `jobs watch`)')
    .action(
      act(runtime, async (ctx, opts: { endpoint?: string; since?: string; wait?: boolean }) => {
        const body = {
          ...(ctx.settings.app !== undefined ? { application: ctx.settings.app } : {}),
          ...(opts.endpoint ? { endpointId: opts.endpoint } : {}),
          ...(opts.since ? { since: parseTime(opts.since, new Date(), '--since') } : {}),
        };
        const answer = await ctx.api.request<{ redriven: number; job: Job }>('POST', '/v1/dead-letters/redrive', { body });
        await jobStarted(ctx, answer, opts.wait);
      }),
    );
}
