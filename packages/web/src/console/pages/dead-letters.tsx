import { useState } from 'react';
import type { Api } from '../../shared/api.ts';
import { CopyId } from '../../shared/components/copy-button.tsx';
import { Empty, ErrorNote, Loading } from '../../shared/components/feedback.tsx';
import { JobProgress } from '../../shared/components/job-progress.tsx';
import { PageHeader } from '../../shared/components/shell.tsx';
import { Time } from '../../shared/components/time.tsx';
import { useAction, useLoad } from '../../shared/hooks.ts';
import { href, navigate, type Route } from '../../shared/router.ts';
import type { DeadLetter, Job, Page } from '../../shared/types.ts';
import { allApplications } from './applications.tsx';

/** Deliveries whose retries ran out, by application, with redrive (all, or one endpoint's) and its progress. */
export function DeadLettersPage({ api, route }: { api: Api; route: Route }) {
  const application = route.query.get('application') ?? '';
  const apps = useLoad(() => allApplications(api), []);
  const list = useLoad(() => api.get<Page<DeadLetter>>('/v1/dead-letters', { application, limit: 100 }), [application]);
  const [jobs, setJobs] = useState<Job[]>([]);
  const redrive = useAction(async (endpointId?: string) => {
    const res = await api.post<{ redriven: number; job: Job }>('/v1/dead-letters/redrive', endpointId ? { endpointId } : application ? { application } : {});
    setJobs((j) => [res.job, ...j]);
  });
  const rows = list.data?.data ?? [];
  return (
    <section>
      <PageHeader
        title="Dead letters"
        subtitle="Messages that failed every retry. Fix the endpoint, then redrive them: they go out again with the same webhook-id."
        actions={rows.length > 0 && (
          <button type="button" className="btn btn-primary" onClick={() => void redrive.run()} disabled={redrive.busy} data-testid="redrive-all">
            {application ? 'Redrive all of this application' : 'Redrive all'}
          </button>
        )}
      />
      <form className="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          <span>Application</span>
          <select value={application} onChange={(e) => navigate(href(['dead-letters'], { application: e.target.value }))} data-testid="filter-application">
            <option value="">All applications</option>
            {apps.data?.map((a) => <option key={a.id} value={a.id}>{a.name}</option>)}
          </select>
        </label>
        <button type="button" className="btn btn-ghost btn-sm" onClick={list.reload}>↻ Refresh</button>
      </form>
      <ErrorNote error={redrive.error} />
      {jobs.map((job) => <JobProgress key={job.id} api={api} job={job} onDone={() => list.reload()} />)}
      {list.loading && !list.data && <Loading />}
      <ErrorNote error={list.error} />
      {list.data && rows.length === 0 && <Empty title="No dead letters" testId="dead-letters-empty">Every message was delivered or is still being retried.</Empty>}
      {rows.length > 0 && (
        <div className="table-wrap">
          <table className="table" data-testid="dead-letters-table">
            <thead>
              <tr>
                <th>Event</th>
                <th>Endpoint</th>
                <th>Attempts</th>
                <th>Last answer</th>
                <th>Last attempt</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {rows.map((d) => (
                <tr key={d.id} data-testid="dead-letter-row">
                  <td>
                    {d.applicationId ? <a href={href(['applications', d.applicationId, 'events', d.eventId])}><code>{d.eventType ?? d.eventId}</code></a> : <code>{d.eventType ?? d.eventId}</code>}
                    <div><CopyId value={d.eventId} /></div>
                  </td>
                  <td>{d.applicationId ? <a href={href(['applications', d.applicationId, 'endpoints', d.endpointId])}><code>{d.endpointId}</code></a> : <code>{d.endpointId}</code>}</td>
                  <td>{d.attempts}</td>
                  <td>
                    {d.lastStatusCode ?? '—'}
                    {d.lastError && <div className="error-text small">{d.lastError}</div>}
                  </td>
                  <td><Time iso={d.lastAttemptAt} /></td>
                  <td>
                    <button type="button" className="btn btn-sm" onClick={() => void redrive.run(d.endpointId)} disabled={redrive.busy} data-testid="redrive-endpoint">
                      Redrive endpoint
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
