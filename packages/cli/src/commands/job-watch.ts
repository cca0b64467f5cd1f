import { pause, type CommandContext } from '../context.ts';
import { CheckFailed, Interrupted } from '../errors.ts';
import { paintStatus, record } from '../output/output.ts';
import { progressLine } from '../output/progress-bar.ts';
import type { Job } from './jobs-shared.ts';

/**
 * Follows a job until it ends: a progress bar redrawn in place on a terminal, a plain line per change
 * otherwise, nothing but the final job with --json. A failed job ends in CheckFailed (exit 1); Ctrl-C ends the
 * watch (exit 0), not the job.
 */
export async function watchJob(ctx: CommandContext, id: string, opts: { intervalMs: number; timeoutMs?: number }): Promise<void> {
  const { out } = ctx;
  const signal = ctx.runtime.interrupt;
  const deadline = opts.timeoutMs === undefined ? Infinity : Date.now() + opts.timeoutMs;
  const bar = !out.json && out.interactive;
  let last = '';
  let job = await ctx.api.request<Job>('GET', `/v1/jobs/${encodeURIComponent(id)}`);
  for (;;) {
    const line = progressLine(job);
    if (!out.json && line !== last) {
      if (bar) out.write(`\r${line}\u001b[K`);
      else out.line(line);
      last = line;
    }
    if (job.status !== 'running' || signal.aborted) break;
    if (Date.now() >= deadline) {
      if (bar) out.write('\n');
      throw new CheckFailed(`job ${id} still running after the --timeout`);
    }
    await pause(opts.intervalMs, signal);
    if (signal.aborted) break;
    try {
      job = await ctx.api.request<Job>('GET', `/v1/jobs/${encodeURIComponent(id)}`);
    } catch (err) {
      if (err instanceof Interrupted) break;
      throw err;
    }
  }
  if (bar) out.write('\n');
  out.result(job, () => record(out, { ...job, status: paintStatus(out, job.status) }));
  if (job.status === 'failed') throw new CheckFailed(`job ${id} failed${job.error ? `: ${job.error}` : ''}`);
}
