import { useMemo, useState } from 'react';
import { Api } from '../shared/api.ts';
import { icons } from '../shared/components/icons.tsx';
import { ModeToggle, Shell, useTheme } from '../shared/components/shell.tsx';
import { href, useRoute } from '../shared/router.ts';
import { ApplicationPage } from './pages/application-page.tsx';
import { ApplicationsPage } from './pages/applications.tsx';
import { DeadLettersPage } from './pages/dead-letters.tsx';
import { ConsoleEventsPage } from './pages/events.tsx';
import { HealthPage } from './pages/health.tsx';
import { SignIn } from './pages/sign-in.tsx';
import { SourcesPage } from './pages/sources.tsx';
import { SystemPage } from './pages/system.tsx';

const KEY = 'hookline.console.key';

/** The sender's console: applications and their portals, events, dead letters, health and the system. */
export function ConsoleApp() {
  const [key, setKey] = useState<string | null>(() => window.sessionStorage.getItem(KEY));
  const { mode, toggle } = useTheme(null);
  const route = useRoute();
  const signOut = () => {
    window.sessionStorage.removeItem(KEY);
    setKey(null);
  };
  const api = useMemo(() => new Api(key ?? '', signOut), [key]);

  if (!key) {
    return (
      <SignIn
        onSignedIn={(k) => {
          window.sessionStorage.setItem(KEY, k);
          setKey(k);
        }}
      />
    );
  }
  const [section = 'applications'] = route.parts;
  const nav = [
    { href: href(['applications']), label: 'Applications', active: section === 'applications', icon: icons.apps },
    { href: href(['events']), label: 'Event log', active: section === 'events', icon: icons.events },
    { href: href(['dead-letters']), label: 'Dead letters', active: section === 'dead-letters', icon: icons.dead },
    { href: href(['sources']), label: 'Sources', active: section === 'sources', icon: icons.shield },
    { href: href(['health']), label: 'Endpoint health', active: section === 'health', icon: icons.health },
    { href: href(['system']), label: 'System', active: section === 'system', icon: icons.system },
  ];
  return (
    <Shell
      brand={{ name: 'Hookline', subtitle: 'Console' }}
      nav={nav}
      actions={
        <div className="foot-actions">
          <ModeToggle mode={mode} toggle={toggle} />
          <button type="button" className="btn btn-ghost btn-sm" onClick={signOut} data-testid="sign-out">
            Sign out
          </button>
        </div>
      }
    >
      {section === 'applications' && route.parts.length <= 1 && <ApplicationsPage api={api} />}
      {section === 'applications' && route.parts.length > 1 && <ApplicationPage key={route.parts[1]} api={api} route={route} />}
      {section === 'events' && <ConsoleEventsPage api={api} route={route} />}
      {section === 'dead-letters' && <DeadLettersPage api={api} route={route} />}
      {section === 'health' && <HealthPage api={api} route={route} />}
      {section === 'system' && <SystemPage api={api} />}
      {section === 'sources' && <SourcesPage api={api} route={route} />}
      {!['applications', 'events', 'dead-letters', 'health', 'system', 'sources'].includes(section) && <ApplicationsPage api={api} />}
    </Shell>
  );
}
