/** One line of a job's progress: `[########------------]  40%  400/1000 requeued, 0 missing  running`. */
export function progressLine(job: { total: number; requeued: number; missing: number; status: string }, width = 30): string {
  const done = job.requeued + job.missing;
  const ratio = job.total > 0 ? Math.min(1, done / job.total) : job.status === 'running' ? 0 : 1;
  const filled = Math.round(ratio * width);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
  const percent = `${Math.floor(ratio * 100)}%`.padStart(4);
  return `${bar} ${percent}  ${done}/${job.total} (${job.requeued} requeued, ${job.missing} missing)  ${job.status}`;
}
