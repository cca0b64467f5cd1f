import { useState } from 'react';
import { appBase } from '../api.ts';
import { Badge } from '../components/badges.tsx';
import { CodeBlock, pretty } from '../components/code-block.tsx';
import { CopyId } from '../components/copy-button.tsx';
import { ErrorNote, isNotFound, Loading, NotFound } from '../components/feedback.tsx';
import { JobProgress } from '../components/job-progress.tsx';
import { PageHeader } from '../components/shell.tsx';
import { Time } from '../components/time.tsx';
import { useAction, useLoad } from '../hooks.ts';
import { useScope } from '../scope.ts';
import type { Attempt, Delivery, Endpoint, EventDetail, Job, Page } from '../types.ts';

const unsettled = (d: Delivery) => d.status === 'pending' || d.status === 'retrying';

/** One event: its payload, each endpoint's delivery with every attempt, and replaying it. */
export function EventDetailView({ eventId, back }: { eventId: string; back: { href: string; label: string } }) {
  const { api, app, canWrite, links } = useScope();
  const path = `${appBase(app)}/events/${encodeURIComponent(eventId)}`;
  const [polling, setPolling] = useState(true);
  const event = useLoad(async () => {
    const [detail, attempts] = await Promise.all([api.get<EventDetail>(path), api.get<{ data: Attempt[] }>(`${path}/attempts`)]);
    // Keep refreshing while a delivery is still on its way (or none is recorded yet, just after publishing).
    setPolling(detail.deliveries.length === 0 || detail.deliveries.some(unsettled));
    return { detail, attempts: attempts.data };
  }, [path], { pollMs: polling ? 2_000 : null });
  const endpoints = useLoad(() => api.get<Page<Endpoint>>(`${appBase(app)}/endpoints`, { limit: 250 }), [app]);
  const [jobs, setJobs] = useState<Job[]>([]);
  const replay = useAction(async (endpointId?: string) => {
    const res = await api.post<{ replayed: number; job: Job }>(`${path}/replay`, endpointId ? { endpointId } : {});
    setJobs((j) => [res.job, ...j]);
    setPolling(true);
  });

  if (isNotFound(event.error)) return <NotFound what="event" back={back} />;
  const data = event.data;
  if (!data) return event.loading ? <Loading /> : <ErrorNote error={event.error} />;
  const { detail, attempts } = data;
  const urlOf = (id: string) => endpoints.data?.data.find((e) => e.id === id)?.url;

  return (
    <section data-testid="event-detail" data-id={detail.id}>
      <PageHeader
        back={back}
        title={<code>{detail.type}</code>}
        subtitle={
          <>
            <CopyId value={detail.id} testId="copy-event-id" /> · <Time iso={detail.createdAt} />
          </>
        }
        actions={
          canWrite && detail.deliveries.length > 0 && (
            <button type="button" className="btn btn-primary" onClick={() => void replay.run()} disabled={replay.busy} data-testid="replay">
              ↻ Replay to all endpoints
            </button>
          )
        }
      />
      <ErrorNote error={replay.error} />
      {jobs.map((job) => <JobProgress key={job.id} api={api} job={job} onDone={() => event.reload()} />)}
      <div className="card">
        <h2>Deliveries</h2>
        {detail.deliveries.length === 0 ? (
          <p className="muted" data-testid="no-deliveries">No delivery recorded yet: it appears here as soon as the first attempt is made (no endpoint may be subscribed to this type).</p>
        ) : (
          <div className="deliveries">
            {detail.deliveries.map((d) => {
              const mine = attempts.filter((a) => a.endpointId === d.endpointId);
              return (
                <div className="delivery" key={d.endpointId} data-testid="delivery-row" data-endpoint-id={d.endpointId} data-status={d.status}>
                  <div className="delivery-head">
                    <div>
                      <a href={links.endpoint(d.endpointId)} className="strong mono-url">{urlOf(d.endpointId) ?? d.endpointId}</a>
                      <div className="muted small">
                        {d.attempts} attempt{d.attempts === 1 ? '' : 's'}
                        {d.lastStatusCode !== null && <> · last answer {d.lastStatusCode}</>}
                        {d.nextAttemptAt && <> · next attempt <Time iso={d.nextAttemptAt} /></>}
                      </div>
                    </div>
                    <div className="inline">
                      <Badge value={d.status} testId="delivery-status" />
                      {canWrite && (
                        <button type="button" className="btn btn-sm" onClick={() => void replay.run(d.endpointId)} disabled={replay.busy} data-testid="replay-delivery">
                          Replay
                        </button>
                      )}
                    </div>
                  </div>
                  {d.lastError && <p className="error-text">{d.lastError}</p>}
                  {mine.length > 0 && (
                    <div className="table-wrap">
                      <table className="table table-compact">
                        <thead>
                          <tr>
                            <th>#</th>
                            <th>Outcome</th>
                            <th>Status</th>
                            <th>Duration</th>
                            <th>When</th>
                            <th>Next attempt</th>
                          </tr>
                        </thead>
                        <tbody>
                          {mine.map((a) => (
                            <AttemptRow key={a.id} attempt={a} />
                          ))}
                        </tbody>
                      </table>
                    </div>
                  )}
                </div>
              );
            })}
          </div>
        )}
      </div>
      {detail.metadata && Object.keys(detail.metadata).length > 0 && (
        <CodeBlock label="Metadata (content filters match it; not sent to endpoints)" code={pretty(detail.metadata)} testId="event-metadata" maxHeight={200} />
      )}
      <CodeBlock label="Payload (data)" code={pretty(detail.data)} testId="event-payload" maxHeight={420} />
    </section>
  );
}

function AttemptRow({ attempt: a }: { attempt: Attempt }) {
  const [open, setOpen] = useState(false);
  const hasMore = Boolean(a.error || a.responseBody);
  return (
    <>
      <tr data-testid="attempt-row" data-outcome={a.outcome} className={hasMore ? 'clickable' : ''} onClick={() => hasMore && setOpen(!open)}>
        <td>{a.attempt}</td>
        <td><Badge value={a.outcome === 'succeeded' ? 'succeeded' : 'failed'} label={a.outcome.replace(/_/g, ' ')} /></td>
        <td data-testid="attempt-status-code">{a.statusCode ?? '—'}</td>
        <td className="num">{a.durationMs === null ? '—' : `${a.durationMs} ms`}</td>
        <td><Time iso={a.createdAt} /></td>
        <td>
          <Time iso={a.nextAttemptAt} />
          {hasMore && <span className="muted small"> {open ? '▾' : '▸'} details</span>}
        </td>
      </tr>
      {open && (
        <tr className="attempt-more">
          <td colSpan={6}>
            {a.error && <p className="error-text">{a.error}</p>}
            {a.responseBody && <CodeBlock label="Response (excerpt)" code={a.responseBody} maxHeight={200} />}
          </td>
        </tr>
      )}
    </>
  );
}
