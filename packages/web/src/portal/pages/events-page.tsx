import { appBase } from '../../shared/api.ts';
import { PageHeader } from '../../shared/components/shell.tsx';
import { useLoad } from '../../shared/hooks.ts';
import { href, type Route } from '../../shared/router.ts';
import { useScope } from '../../shared/scope.ts';
import type { Endpoint, EventType, EventView, Page } from '../../shared/types.ts';
import { EventLog, filtersOf } from '../../shared/views/event-log.tsx';

/** The portal's event log: this application's events, filtered by status, type, endpoint and time. */
export function EventsPage({ route }: { route: Route }) {
  const { api, app, links } = useScope();
  const types = useLoad(() => api.get<Page<EventType>>(`${appBase(app)}/event-types`, { limit: 250 }), [app]);
  const endpoints = useLoad(() => api.get<Page<Endpoint>>(`${appBase(app)}/endpoints`, { limit: 250 }), [app]);
  const filters = filtersOf(route.query);
  delete filters.application;
  return (
    <section>
      <PageHeader title="Event log" subtitle="Every message sent to you, with each endpoint's delivery attempts." />
      <EventLog
        load={(f, cursor) => api.get<Page<EventView>>(`${appBase(app)}/events`, { ...f, cursor, limit: 50 })}
        filters={filters}
        hrefFor={(f) => href(['events'], f)}
        eventHref={(e) => links.event(e.id)}
        typeOptions={types.data?.data.map((t) => t.name) ?? []}
        endpointOptions={endpoints.data?.data.map((e) => ({ value: e.id, label: e.url })) ?? []}
        emptyHint="Messages appear here as soon as they are sent."
      />
    </section>
  );
}
