import type { Api } from '../../shared/api.ts';
import { PageHeader } from '../../shared/components/shell.tsx';
import { useLoad } from '../../shared/hooks.ts';
import { href, type Route } from '../../shared/router.ts';
import type { EventType, EventView, Page } from '../../shared/types.ts';
import { EventLog, filtersOf } from '../../shared/views/event-log.tsx';
import { allApplications } from './applications.tsx';

/** Events across every application (`GET /v1/events?application=`), each opening in its application. */
export function ConsoleEventsPage({ api, route }: { api: Api; route: Route }) {
  const apps = useLoad(() => allApplications(api), []);
  const types = useLoad(() => api.get<Page<EventType>>('/v1/event-types', { limit: 250 }), []);
  const filters = filtersOf(route.query);
  delete filters.endpointId;
  return (
    <section>
      <PageHeader title="Event log" subtitle="Every event published, across your applications." />
      <EventLog
        load={(f, cursor) => api.get<Page<EventView>>('/v1/events', { ...f, cursor, limit: 50 })}
        filters={filters}
        hrefFor={(f) => href(['events'], f)}
        eventHref={(e) => href(['applications', e.applicationId ?? filters.application ?? '', 'events', e.id])}
        typeOptions={types.data?.data.map((t) => t.name) ?? []}
        applicationOptions={apps.data?.map((a) => ({ value: a.id, label: a.uid ? `${a.name} (${a.uid})` : a.name })) ?? []}
        showApplication
        emptyHint="Publish an event (POST /v1/applications/{app}/events) and it appears here within a second."
      />
    </section>
  );
}
