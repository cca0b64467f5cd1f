import { useState, type FormEvent } from 'react';
import { appBase } from '../api.ts';
import { ErrorNote } from '../components/feedback.tsx';
import { JobProgress } from '../components/job-progress.tsx';
import { useAction } from '../hooks.ts';
import { useScope } from '../scope.ts';
import type { Job } from '../types.ts';

/** `YYYY-MM-DDTHH:mm` in local time, for a datetime-local input. */
export const localInputValue = (d: Date): string => {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
};

/** Re-sends every delivery to this endpoint that failed since a time, with the job's progress. */
export function RecoverCard({ endpointId }: { endpointId: string }) {
  const { api, app } = useScope();
  const [since, setSince] = useState(() => localInputValue(new Date(Date.now() - 3_600_000)));
  const [job, setJob] = useState<Job | undefined>();
  const recover = useAction(async () => {
    const res = await api.post<{ replayed: number; job: Job }>(`${appBase(app)}/endpoints/${encodeURIComponent(endpointId)}/recover`, { since: new Date(since).toISOString() });
    setJob(res.job);
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void recover.run();
  };
  return (
    <form className="card" onSubmit={submit}>
      <h2>Recover failed messages</h2>
      <p className="muted">Send again every message that failed or was given up on since a time, e.g. after your server was down.</p>
      <div className="inline">
        <label className="field">
          <span>Since</span>
          <input type="datetime-local" value={since} onChange={(e) => setSince(e.target.value)} required data-testid="recover-since" />
        </label>
        <button type="submit" className="btn" disabled={recover.busy} data-testid="recover">
          Recover
        </button>
      </div>
      <ErrorNote error={recover.error} />
      {job && <JobProgress key={job.id} api={api} job={job} />}
    </form>
  );
}
