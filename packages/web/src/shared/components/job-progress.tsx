import { useEffect, useState } from 'react';
import type { Api } from '../api.ts';
import type { Job } from '../types.ts';
import { Badge } from './badges.tsx';
import { ErrorNote } from './feedback.tsx';

/**
 * A replay, recover or redrive job's progress, polled from `GET /v1/jobs/{id}` until it completes or fails
 * (at most 10 minutes: a page left open does not poll for ever).
 */
export function JobProgress({ api, job: initial, onDone }: { api: Api; job: Job; onDone?: (job: Job) => void }) {
  const [job, setJob] = useState<Job>(initial);
  const [error, setError] = useState<unknown>(undefined);
  useEffect(() => {
    if (initial.status !== 'running') {
      onDone?.(initial);
      return;
    }
    let stopped = false;
    const started = Date.now();
    const poll = async () => {
      while (!stopped && Date.now() - started < 600_000) {
        await new Promise((r) => window.setTimeout(r, 700));
        if (stopped) return;
        try {
          const next = await api.get<Job>(`/v1/jobs/${encodeURIComponent(initial.id)}`);
          setJob(next);
          if (next.status !== 'running') {
            onDone?.(next);
            return;
          }
        } catch (err) {
          setError(err);
          return;
        }
      }
    };
    void poll();
    return () => {
      stopped = true;
    };
    // Polls one job for the component's life; a new job is a new component (keyed by id).
  }, [initial.id]);
  const done = job.requeued + job.missing;
  const pct = job.total > 0 ? Math.round((done / job.total) * 100) : job.status === 'running' ? 0 : 100;
  return (
    <div className="job" data-testid="job-progress" data-status={job.status}>
      <div className="job-head">
        <span>
          {job.kind === 'replay' ? 'Replay' : job.kind === 'recover' ? 'Recovery' : 'Redrive'} <Badge value={job.status} />
        </span>
        <span className="muted">
          {job.requeued} of {job.total} re-queued{job.missing > 0 ? `, ${job.missing} missing` : ''}
        </span>
      </div>
      <progress max={100} value={pct} aria-label="progress" />
      {job.error && <ErrorNote error={new Error(job.error)} title="The job failed" />}
      {error !== undefined && <ErrorNote error={error} />}
    </div>
  );
}
