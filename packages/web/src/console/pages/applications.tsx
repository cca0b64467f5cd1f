import { useState, type FormEvent } from 'react';
import { appBase, type Api } from '../../shared/api.ts';
import { CopyId } from '../../shared/components/copy-button.tsx';
import { Empty, ErrorNote, Loading } from '../../shared/components/feedback.tsx';
import { PageHeader } from '../../shared/components/shell.tsx';
import { Time } from '../../shared/components/time.tsx';
import { useAction, useLoad } from '../../shared/hooks.ts';
import { href, navigate } from '../../shared/router.ts';
import type { Application, Endpoint, Page } from '../../shared/types.ts';

/** Every application of the tenant (loaded page by page), fetched once for filters and names. */
export async function allApplications(api: Api, max = 2_000): Promise<Application[]> {
  const out: Application[] = [];
  let cursor: string | null = null;
  do {
    const page: Page<Application> = await api.get<Page<Application>>('/v1/applications', { limit: 250, cursor });
    out.push(...page.data);
    cursor = page.nextCursor;
  } while (cursor && out.length < max);
  return out;
}

/** An application's endpoint count, asked of the API when its list does not carry it. */
function EndpointCount({ api, app }: { api: Api; app: string }) {
  const count = useLoad(() => api.get<Page<Endpoint>>(`${appBase(app)}/endpoints`, { limit: 250 }), [app]);
  if (!count.data) return <span className="muted">…</span>;
  return <span data-testid="endpoint-count">{count.data.data.length}{count.data.nextCursor ? '+' : ''}</span>;
}

function CreateApplication({ api, onCancel }: { api: Api; onCancel: () => void }) {
  const [name, setName] = useState('');
  const [uid, setUid] = useState('');
  const create = useAction(async () => {
    const app = await api.post<Application>('/v1/applications', { name: name.trim(), ...(uid.trim() ? { uid: uid.trim() } : {}) });
    navigate(href(['applications', app.id]));
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void create.run();
  };
  return (
    <form className="card form" onSubmit={submit} data-testid="create-application-form">
      <h2>New application</h2>
      <p className="muted">An application is one of your customers: it gets its own endpoints, event log and portal.</p>
      <div className="inline">
        <label className="field">
          <span>Name</span>
          <input type="text" required maxLength={200} placeholder="Acme Corp" value={name} onChange={(e) => setName(e.target.value)} data-testid="application-name-input" autoFocus />
        </label>
        <label className="field">
          <span>Your id for it (uid, optional)</span>
          <input type="text" maxLength={128} pattern="[A-Za-z0-9_.:\-]{1,128}" placeholder="customer_1234" value={uid} onChange={(e) => setUid(e.target.value)} data-testid="application-uid-input" />
        </label>
      </div>
      <ErrorNote error={create.error} title="Not created" />
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={create.busy} data-testid="save-application">
          Create application
        </button>
        <button type="button" className="btn btn-ghost" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** The applications list with their endpoint counts, and creating one. */
export function ApplicationsPage({ api }: { api: Api }) {
  const [cursor, setCursor] = useState<string | null>(null);
  const [pages, setPages] = useState<Application[]>([]);
  const first = useLoad(() => api.get<Page<Application>>('/v1/applications', { limit: 50 }), []);
  const [creating, setCreating] = useState(false);
  const more = useAction(async () => {
    const page = await api.get<Page<Application>>('/v1/applications', { limit: 50, cursor: cursor ?? first.data?.nextCursor });
    setPages([...pages, ...page.data]);
    setCursor(page.nextCursor);
  });
  const apps = [...(first.data?.data ?? []), ...pages];
  const next = pages.length > 0 ? cursor : first.data?.nextCursor;
  const createButton = !creating && (
    <button type="button" className="btn btn-primary" onClick={() => setCreating(true)} data-testid="create-application">
      + New application
    </button>
  );
  return (
    <section>
      <PageHeader title="Applications" subtitle="Your customers: each has its own endpoints, event log and self-service portal." actions={createButton} />
      {creating && <CreateApplication api={api} onCancel={() => setCreating(false)} />}
      {first.loading && !first.data && <Loading />}
      <ErrorNote error={first.error ?? more.error} />
      {first.data && apps.length === 0 && !creating && (
        <Empty title="No applications yet" action={createButton}>
          Create an application for each customer you send webhooks to, then give them a portal link.
        </Empty>
      )}
      {apps.length > 0 && (
        <div className="table-wrap">
          <table className="table" data-testid="applications-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Id</th>
                <th>Uid</th>
                <th>Endpoints</th>
                <th>Created</th>
              </tr>
            </thead>
            <tbody>
              {apps.map((a) => (
                <tr key={a.id} className="clickable" data-testid="application-row" data-id={a.id} onClick={() => navigate(href(['applications', a.id]))}>
                  <td>
                    <a href={href(['applications', a.id])} className="strong" onClick={(e) => e.stopPropagation()}>{a.name}</a>
                    {a.default && <span className="badge badge-neutral" style={{ marginLeft: 8 }}>default</span>}
                  </td>
                  <td><CopyId value={a.id} /></td>
                  <td>{a.uid ? <code>{a.uid}</code> : <span className="muted">—</span>}</td>
                  <td>{typeof a.endpoints === 'number' ? <span data-testid="endpoint-count">{a.endpoints}</span> : <EndpointCount api={api} app={a.id} />}</td>
                  <td><Time iso={a.createdAt} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {next && (
        <div className="center">
          <button type="button" className="btn" onClick={() => void more.run()} disabled={more.busy}>Load more</button>
        </div>
      )}
    </section>
  );
}
