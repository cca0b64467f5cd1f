import { useMemo, useState } from 'react';
import { appBase, type Api } from '../../shared/api.ts';
import { ConfirmButton } from '../../shared/components/confirm-button.tsx';
import { CopyId } from '../../shared/components/copy-button.tsx';
import { ErrorNote, isNotFound, Loading, NotFound } from '../../shared/components/feedback.tsx';
import { PageHeader } from '../../shared/components/shell.tsx';
import { useAction, useLoad } from '../../shared/hooks.ts';
import { href, navigate, type Route } from '../../shared/router.ts';
import { ScopeContext, type Scope } from '../../shared/scope.ts';
import type { Application, EventType, EventView, Page } from '../../shared/types.ts';
import { EndpointDetailView } from '../../shared/views/endpoint-detail-view.tsx';
import { EndpointsView } from '../../shared/views/endpoints-view.tsx';
import { EventDetailView } from '../../shared/views/event-detail-view.tsx';
import { EventLog, filtersOf } from '../../shared/views/event-log.tsx';
import { EventTypesView } from '../../shared/views/event-types-view.tsx';
import { ApplicationForm } from './application-form.tsx';
import { PortalLink } from './portal-link.tsx';

/** One application: its endpoints, events and event types (the portal's pages, with the tenant key) and its portal link. */
export function ApplicationPage({ api, route }: { api: Api; route: Route }) {
  const [, appId = '', tab = 'endpoints', id] = route.parts;
  const app = useLoad(() => api.get<Application>(appBase(appId)), [appId]);
  const scope: Scope = useMemo(() => {
    const base = ['applications', appId];
    return {
      api,
      app: appId,
      canWrite: true,
      links: {
        endpoints: () => href(base),
        endpoint: (e) => href([...base, 'endpoints', e]),
        events: (q = {}) => href([...base, 'events'], q),
        event: (e) => href([...base, 'events', e]),
        eventTypes: () => href([...base, 'event-types']),
      },
    };
  }, [api, appId]);
  const remove = useAction(async () => {
    await api.delete(appBase(appId));
    navigate(href(['applications']));
  });
  const [editing, setEditing] = useState(false);
  const types = useLoad(() => api.get<Page<EventType>>(`${appBase(appId)}/event-types`, { limit: 250 }), [appId]);

  if (isNotFound(app.error)) return <NotFound what="application" back={{ href: href(['applications']), label: 'Back to applications' }} />;
  const a = app.data;
  if (!a) return app.loading ? <Loading /> : <ErrorNote error={app.error} />;
  const tabs = [
    { key: 'endpoints', label: 'Endpoints', href: scope.links.endpoints() },
    { key: 'events', label: 'Event log', href: scope.links.events() },
    { key: 'event-types', label: 'Event types', href: scope.links.eventTypes() },
  ];

  return (
    <ScopeContext.Provider value={scope}>
      {!id && (
        <>
          <PageHeader
            back={{ href: href(['applications']), label: 'Applications' }}
            title={a.name}
            subtitle={
              <>
                <CopyId value={a.id} testId="copy-application-id" />
                {a.uid && <> · uid <code>{a.uid}</code></>}
                {a.default && <span className="badge badge-neutral">default</span>}
                {a.rateLimitPerSecond != null && <span className="muted"> · {a.rateLimitPerSecond} events/s</span>}
              </>
            }
            actions={
              <>
                {!editing && (
                  <button type="button" className="btn" onClick={() => setEditing(true)} data-testid="edit-application">
                    Edit
                  </button>
                )}
                {!a.default && (
                  <ConfirmButton question="Delete this application and all its endpoints?" confirmLabel="Delete" onConfirm={() => void remove.run()} busy={remove.busy} testId="delete-application">
                    Delete
                  </ConfirmButton>
                )}
              </>
            }
          />
          <ErrorNote error={remove.error} />
          {editing && (
            <ApplicationForm
              api={api}
              application={a}
              onSaved={() => {
                setEditing(false);
                app.reload();
              }}
              onCancel={() => setEditing(false)}
            />
          )}
          <PortalLink api={api} app={a.id} />
          <nav className="tabs" aria-label="Application">
            {tabs.map((t) => (
              <a key={t.key} href={t.href} className={tab === t.key ? 'active' : ''} aria-current={tab === t.key ? 'page' : undefined}>
                {t.label}
              </a>
            ))}
          </nav>
        </>
      )}
      {tab === 'endpoints' && !id && <EndpointsView title="Endpoints" />}
      {tab === 'endpoints' && id && <EndpointDetailView key={id} endpointId={id} />}
      {tab === 'events' && !id && (
        <EventLog
          load={(f, cursor) => api.get<Page<EventView>>(`${appBase(appId)}/events`, { ...f, cursor, limit: 50 })}
          filters={(({ application: _, ...rest }) => rest)(filtersOf(route.query))}
          hrefFor={(f) => scope.links.events(f)}
          eventHref={(e) => scope.links.event(e.id)}
          typeOptions={types.data?.data.map((t) => t.name) ?? []}
          emptyHint="Publish an event to this application (POST /v1/applications/{app}/events) and it appears here."
        />
      )}
      {tab === 'events' && id && <EventDetailView key={id} eventId={id} back={{ href: scope.links.events(), label: a.name }} />}
      {tab === 'event-types' && <EventTypesView />}
    </ScopeContext.Provider>
  );
}
