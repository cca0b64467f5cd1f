import type { Command } from 'commander';
import { parseDuration } from '../args/values.ts';
import { act, type Runtime } from '../context.ts';
import { record } from '../output/output.ts';
import { watchJob } from './job-watch.ts';
import type { Job } from './jobs-shared.ts';

/** `hookline jobs …`: replay, recover and redrive jobs. */
export function jobCommands(program: Command, runtime: Runtime): void {
  const jobs = program.command('jobs').description('follow replay, recover and redrive jobs');
  jobs
    .command('get')
    .description("a job's progress: {status, total, requeued, missing}")
    .argument('<jobId>')
    .action(
      act(runtime, async (ctx, _opts, id: string) => {
        const job = await ctx.api.request<Job>('GET', `/v1/jobs/${encodeURIComponent(id)}`);
        ctx.out.result(job, () => record(ctx.out, job as unknown as Record<string, unknown>));
      }),
    );
  jobs
    .command('watch')
    .description('a progress bar until the job ends (exit 0 completed, 1 failed); plain lines when not on a terminal')
    .argument('<jobId>')
    .option('--interval <duration>', 'how often to ask', '500ms')
    .option('--timeout <duration>', 'give up (exit 1) after this long')
    .action(
      act(runtime, async (ctx, opts: { interval: string; timeout?: string }, id: string) => {
        await watchJob(ctx, id, {
          intervalMs: parseDuration(opts.interval, '--interval'),
          ...(opts.timeout ? { timeoutMs: parseDuration(opts.timeout, '--timeout') } : {}),
        });
      }),
    );
}
