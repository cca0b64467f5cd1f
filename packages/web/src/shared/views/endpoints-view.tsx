import { useState } from 'react';
import { appBase } from '../api.ts';
import { Badge } from '../components/badges.tsx';
import { Empty, ErrorNote, Loading } from '../components/feedback.tsx';
import { PageHeader } from '../components/shell.tsx';
import { Time } from '../components/time.tsx';
import { useLoad } from '../hooks.ts';
import { navigate } from '../router.ts';
import { useScope } from '../scope.ts';
import type { Endpoint, Page } from '../types.ts';
import { EndpointForm } from './endpoint-form.tsx';

/** The application's endpoints, with adding one. */
export function EndpointsView({ title = 'Endpoints', back }: { title?: string; back?: { href: string; label: string } }) {
  const { api, app, canWrite, links } = useScope();
  const list = useLoad(() => api.get<Page<Endpoint>>(`${appBase(app)}/endpoints`, { limit: 250 }), [app]);
  const [adding, setAdding] = useState(false);
  const endpoints = list.data?.data ?? [];
  const addButton = canWrite && !adding && (
    <button type="button" className="btn btn-primary" onClick={() => setAdding(true)} data-testid="add-endpoint">
      + Add endpoint
    </button>
  );
  return (
    <section>
      <PageHeader title={title} subtitle="The URLs that receive webhooks, each with its own signing secret." actions={endpoints.length > 0 && addButton} {...(back ? { back } : {})} />
      {adding && <EndpointForm onSaved={(e) => navigate(links.endpoint(e.id))} onCancel={() => setAdding(false)} />}
      {list.loading && !list.data && <Loading />}
      <ErrorNote error={list.error} />
      {list.data && endpoints.length === 0 && !adding && (
        <Empty title="No endpoints yet" action={addButton} testId="endpoints-empty">
          {canWrite ? 'Add the URL where you want to receive webhooks.' : 'No URL receives webhooks for this application yet.'}
        </Empty>
      )}
      {endpoints.length > 0 && (
        <div className="table-wrap">
          <table className="table" data-testid="endpoints-table">
            <thead>
              <tr>
                <th>URL</th>
                <th>Event types</th>
                <th>Status</th>
                <th>Created</th>
              </tr>
            </thead>
            <tbody>
              {endpoints.map((e) => (
                <tr key={e.id} data-testid="endpoint-row" data-id={e.id} className="clickable" onClick={() => navigate(links.endpoint(e.id))}>
                  <td>
                    <a href={links.endpoint(e.id)} className="strong mono-url" onClick={(ev) => ev.stopPropagation()}>
                      {e.url}
                    </a>
                    {e.description && <div className="muted small">{e.description}</div>}
                  </td>
                  <td>{e.eventTypes.length === 0 ? <span className="muted">All types</span> : e.eventTypes.map((t) => <code key={t} className="chip">{t}</code>)}</td>
                  <td>{e.disabled ? <Badge value="disabled" /> : <Badge value="enabled" />}</td>
                  <td>
                    <Time iso={e.createdAt} />
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
