import { useEffect, useMemo, useState } from 'react';
import { Api, ApiError } from '../shared/api.ts';
import { ErrorNote, Loading } from '../shared/components/feedback.tsx';
import { icons } from '../shared/components/icons.tsx';
import { ModeToggle, Shell, useTheme } from '../shared/components/shell.tsx';
import { href, useRoute } from '../shared/router.ts';
import { ScopeContext, type Links, type Scope } from '../shared/scope.ts';
import type { PortalSession } from '../shared/types.ts';
import { EndpointDetailView } from '../shared/views/endpoint-detail-view.tsx';
import { EndpointsView } from '../shared/views/endpoints-view.tsx';
import { EventDetailView } from '../shared/views/event-detail-view.tsx';
import { EventTypesView } from '../shared/views/event-types-view.tsx';
import { EventsPage } from './pages/events-page.tsx';
import { ExpiredPage } from './pages/expired.tsx';
import { VerifyingPage } from './pages/verifying.tsx';

export const TOKEN_KEY = 'hookline.portal.token';

const links: Links = {
  endpoints: () => href(['endpoints']),
  endpoint: (id) => href(['endpoints', id]),
  events: (query = {}) => href(['events'], query),
  event: (id) => href(['events', id]),
  eventTypes: () => href(['event-types']),
};

/** The customer portal: one application's endpoints, messages and event types, behind a magic link. */
export function PortalApp({ token }: { token: string | null }) {
  const [expired, setExpired] = useState(token === null);
  const [signedOut, setSignedOut] = useState(false);
  const api = useMemo(() => new Api(token ?? '', () => setExpired(true)), [token]);
  const [session, setSession] = useState<PortalSession | undefined>();
  const [error, setError] = useState<unknown>();
  const { mode, toggle } = useTheme(session?.theme);
  const route = useRoute();

  useEffect(() => {
    if (!token) return;
    api.get<PortalSession>('/v1/portal-sessions/current').then(setSession, (err: unknown) => {
      if (err instanceof ApiError && err.status === 401) setExpired(true);
      else setError(err);
    });
  }, [api, token]);

  const provider = session?.theme?.name;
  useEffect(() => {
    document.title = provider ? `${provider} · Webhooks` : 'Webhooks';
  }, [provider]);

  if (expired) return <ExpiredPage provider={provider} signedOut={signedOut} />;
  if (!session) return error ? <div className="standalone"><ErrorNote error={error} /></div> : <Loading label="Opening your webhooks portal…" />;

  const scope: Scope = { api, app: session.applicationId, canWrite: !session.readOnly, links };
  const [section = 'endpoints', id] = route.parts;
  const signOut = async () => {
    await api.delete('/v1/portal-sessions/current').catch(() => {});
    window.sessionStorage.removeItem(TOKEN_KEY);
    setSignedOut(true);
    setExpired(true);
  };
  const nav = [
    { href: links.endpoints(), label: 'Endpoints', active: section === 'endpoints', icon: icons.endpoints },
    { href: links.events(), label: 'Event log', active: section === 'events', icon: icons.events },
    { href: links.eventTypes(), label: 'Event types', active: section === 'event-types', icon: icons.types },
    { href: href(['verifying']), label: 'Verifying signatures', active: section === 'verifying', icon: icons.shield },
  ];

  return (
    <ScopeContext.Provider value={scope}>
      <Shell
        brand={{ name: session.theme?.name || 'Webhooks', logoUrl: session.theme?.logoUrl, subtitle: session.application.name }}
        nav={nav}
        badges={session.readOnly && <span className="badge badge-neutral" data-testid="read-only">read-only</span>}
        actions={
          <div className="foot-actions">
            <ModeToggle mode={mode} toggle={toggle} />
            <button type="button" className="btn btn-ghost btn-sm" onClick={() => void signOut()} data-testid="sign-out">
              Sign out
            </button>
          </div>
        }
      >
        {section === 'endpoints' && !id && <EndpointsView />}
        {section === 'endpoints' && id && <EndpointDetailView key={id} endpointId={id} />}
        {section === 'events' && !id && <EventsPage route={route} />}
        {section === 'events' && id && <EventDetailView key={id} eventId={id} back={{ href: links.events(), label: 'Event log' }} />}
        {section === 'event-types' && <EventTypesView />}
        {section === 'verifying' && <VerifyingPage />}
        {!['endpoints', 'events', 'event-types', 'verifying'].includes(section) && <EndpointsView />}
      </Shell>
    </ScopeContext.Provider>
  );
}
