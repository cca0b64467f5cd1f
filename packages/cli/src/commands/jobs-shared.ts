import type { CommandContext } from '../context.ts';
import { record } from '../output/output.ts';
import { watchJob } from './job-watch.ts';

/** A requeue job as the API shows it. */
export interface Job {
  id: string;
  kind: string;
  status: 'running' | 'completed' | 'failed';
  total: number;
  requeued: number;
  missing: number;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
}

/**
 * Prints the answer of a route that started a job (replay, recover, redrive); with --wait, follows the job
 * until it ends, as `jobs watch` does.
 */
export async function jobStarted(ctx: CommandContext, answer: Record<string, unknown> & { job: Job }, wait: boolean | undefined): Promise<void> {
  if (!wait) {
    ctx.out.result(answer, () => `${record(ctx.out, answer.job as unknown as Record<string, unknown>)}\n${ctx.out.colors.dim(`follow it: hookline jobs watch ${answer.job.id}`)}`);
    return;
  }
  await watchJob(ctx, answer.job.id, { intervalMs: 500 });
}
