import { useState } from 'react';
import { appBase } from '../api.ts';
import { PullEndpointNote } from './pull-endpoint-note.tsx';
import { Badge } from '../components/badges.tsx';
import { ConfirmButton } from '../components/confirm-button.tsx';
import { CopyId } from '../components/copy-button.tsx';
import { Empty, ErrorNote, isNotFound, Loading, NotFound } from '../components/feedback.tsx';
import { PageHeader } from '../components/shell.tsx';
import { Time } from '../components/time.tsx';
import { useAction, useLoad } from '../hooks.ts';
import { navigate } from '../router.ts';
import { useScope } from '../scope.ts';
import type { Endpoint, EventView, Page } from '../types.ts';
import { EndpointForm } from './endpoint-form.tsx';
import { orderingSummary } from './ordering-fields.tsx';
import { EndpointHealthCard } from './endpoint-health.tsx';
import { EndpointSecret } from './endpoint-secret.tsx';
import { EventTable } from './event-table.tsx';
import { RecoverCard } from './recover-card.tsx';

/** One endpoint: settings, secret, test, health, recovery and its recent messages. */
export function EndpointDetailView({ endpointId }: { endpointId: string }) {
  const { api, app, canWrite, links } = useScope();
  const path = `${appBase(app)}/endpoints/${encodeURIComponent(endpointId)}`;
  const endpoint = useLoad(() => api.get<Endpoint>(path), [path]);
  const recent = useLoad(() => api.get<Page<EventView>>(`${appBase(app)}/events`, { endpointId, limit: 10 }), [app, endpointId], { pollMs: 5_000 });
  const [editing, setEditing] = useState(false);
  const [version, setVersion] = useState(0);
  const [testEvent, setTestEvent] = useState<string | undefined>();
  const setDisabled = useAction(async (disabled: boolean) => {
    await api.patch<Endpoint>(path, { disabled });
    endpoint.reload();
    setVersion((v) => v + 1);
  });
  const remove = useAction(async () => {
    await api.delete(path);
    navigate(links.endpoints());
  });
  const sendTest = useAction(async () => {
    const res = await api.post<{ eventId: string }>(`${path}/test`, {});
    setTestEvent(res.eventId);
    recent.reload();
  });

  if (isNotFound(endpoint.error)) return <NotFound what="endpoint" back={{ href: links.endpoints(), label: 'Back to endpoints' }} />;
  const e = endpoint.data;
  if (!e) return endpoint.loading ? <Loading /> : <ErrorNote error={endpoint.error} />;

  return (
    <section data-testid="endpoint-detail" data-id={e.id}>
      <PageHeader
        back={{ href: links.endpoints(), label: 'Endpoints' }}
        title={<span className="mono-url" data-testid="endpoint-url">{e.url}</span>}
        subtitle={
          <>
            <CopyId value={e.id} testId="copy-endpoint-id" /> {e.disabled ? <Badge value="disabled" testId="endpoint-status" /> : <Badge value="enabled" testId="endpoint-status" />}
            {e.description && <span className="muted"> · {e.description}</span>}
          </>
        }
        actions={
          canWrite && (
            <>
              <button type="button" className="btn" onClick={() => void sendTest.run()} disabled={sendTest.busy || e.disabled} data-testid="send-test">
                Send test event
              </button>
              <button type="button" className="btn" onClick={() => setEditing(true)} data-testid="edit-endpoint">
                Edit
              </button>
              {!e.disabled && (
                <button type="button" className="btn" onClick={() => void setDisabled.run(true)} disabled={setDisabled.busy} data-testid="disable-endpoint">
                  Disable
                </button>
              )}
              <ConfirmButton question="Delete this endpoint?" confirmLabel="Delete" onConfirm={() => void remove.run()} busy={remove.busy} testId="delete-endpoint">
                Delete
              </ConfirmButton>
            </>
          )
        }
      />
      <ErrorNote error={setDisabled.error ?? remove.error ?? sendTest.error} />
      {e.type === 'pull' && <PullEndpointNote endpoint={e} path={path} />}
      {testEvent && (
        <p className="note note-ok" data-testid="test-sent">
          Test event sent. <a href={links.event(testEvent)}>Follow its delivery →</a>
        </p>
      )}
      {e.disabled && (
        <div className="note note-warn" data-testid="disabled-note">
          <strong>This endpoint is disabled{e.disabledReason ? ` (${e.disabledReason})` : ''}.</strong>
          <span>Nothing is sent to it until it is enabled again.</span>
          {canWrite && (
            <button type="button" className="btn btn-primary btn-sm" onClick={() => void setDisabled.run(false)} disabled={setDisabled.busy} data-testid="enable-endpoint">
              Enable again
            </button>
          )}
        </div>
      )}
      {editing && (
        <EndpointForm
          endpoint={e}
          onSaved={() => {
            setEditing(false);
            endpoint.reload();
          }}
          onCancel={() => setEditing(false)}
        />
      )}
      <div className="grid-2">
        <EndpointSecret endpointId={e.id} scheme={e.signatureScheme ?? 'hmac-sha256'} />
        <EndpointHealthCard endpointId={e.id} version={version} />
      </div>
      <div className="card">
        <h2>Settings</h2>
        <dl className="facts">
          <dt>Event types</dt>
          <dd>{e.eventTypes.length === 0 ? 'All types' : e.eventTypes.map((t) => <code key={t} className="chip">{t}</code>)}</dd>
          <dt>Filter</dt>
          <dd data-testid="endpoint-filter">{e.filter ? <code className="chip">{JSON.stringify(e.filter)}</code> : 'None: every event of its types'}</dd>
          <dt>Order</dt>
          <dd data-testid="endpoint-ordering-summary">{orderingSummary(e)}</dd>
          <dt>Rate limit</dt>
          <dd>{e.rateLimitPerSecond ? `${e.rateLimitPerSecond} / s` : 'No limit'}</dd>
          <dt>Custom headers</dt>
          <dd>{Object.keys(e.headers).length === 0 ? 'None' : Object.keys(e.headers).map((h) => <code key={h} className="chip">{h}</code>)}</dd>
          <dt>Created</dt>
          <dd><Time iso={e.createdAt} /></dd>
          <dt>Updated</dt>
          <dd><Time iso={e.updatedAt} /></dd>
        </dl>
      </div>
      {canWrite && <RecoverCard endpointId={e.id} />}
      <div className="card">
        <div className="card-head">
          <h2>Recent messages</h2>
          <a href={links.events({ endpointId: e.id })}>All messages to this endpoint →</a>
        </div>
        {recent.data && recent.data.data.length === 0 && <Empty title="Nothing sent here yet">{canWrite ? 'Send a test event to see a delivery appear here.' : 'Messages sent to this endpoint will appear here.'}</Empty>}
        {recent.data && recent.data.data.length > 0 && <EventTable events={recent.data.data} eventHref={(ev) => links.event(ev.id)} />}
        <ErrorNote error={recent.error} />
      </div>
    </section>
  );
}
