import { useEffect, useState } from 'react';
import { Empty, ErrorNote, Loading } from '../components/feedback.tsx';
import { useLoad } from '../hooks.ts';
import { navigate } from '../router.ts';
import { deliveryStatuses, type EventView, type Page } from '../types.ts';
import { EventTable } from './event-table.tsx';
import { localInputValue } from './recover-card.tsx';

/** The filters an event log reads from its route's query. */
export const eventFilterNames = ['status', 'type', 'endpointId', 'application', 'after', 'before'] as const;
export type EventFilters = Partial<Record<(typeof eventFilterNames)[number], string>>;

export const filtersOf = (query: URLSearchParams): EventFilters =>
  Object.fromEntries(eventFilterNames.flatMap((n) => (query.get(n) ? [[n, query.get(n)!]] : [])));

interface Option {
  value: string;
  label: string;
}

const toIso = (local: string) => (local ? new Date(local).toISOString() : undefined);
const toLocal = (iso: string | undefined) => (iso && !Number.isNaN(Date.parse(iso)) ? localInputValue(new Date(iso)) : '');

/**
 * Events newest first with filters (kept in the address, so a filtered log can be linked to), "load more" by
 * cursor, and the first page refreshed every 5 s while no further page is shown.
 */
export function EventLog({
  load, filters, hrefFor, eventHref, typeOptions, endpointOptions, applicationOptions, showApplication, emptyHint,
}: {
  load: (filters: EventFilters, cursor?: string) => Promise<Page<EventView>>;
  filters: EventFilters;
  hrefFor: (filters: EventFilters) => string;
  eventHref: (e: EventView) => string;
  typeOptions: string[];
  endpointOptions?: Option[];
  applicationOptions?: Option[];
  showApplication?: boolean;
  emptyHint: string;
}) {
  const key = JSON.stringify(filters);
  const first = useLoad(() => load(filters), [key], { pollMs: 5_000 });
  const [more, setMore] = useState<{ events: EventView[]; cursor: string | null; error?: unknown }>({ events: [], cursor: null });
  useEffect(() => setMore({ events: [], cursor: null }), [key]);
  const cursor = more.events.length > 0 ? more.cursor : (first.data?.nextCursor ?? null);
  const loadMore = async () => {
    if (!cursor) return;
    try {
      const page = await load(filters, cursor);
      setMore({ events: [...more.events, ...page.data], cursor: page.nextCursor });
    } catch (error) {
      setMore({ ...more, error });
    }
  };
  const events = [...(first.data?.data ?? []), ...more.events.filter((e) => !first.data?.data.some((f) => f.id === e.id))];
  const set = (name: keyof EventFilters, value: string | undefined) => navigate(hrefFor({ ...filters, [name]: value || undefined }));
  const filtered = Object.values(filters).some(Boolean);

  return (
    <>
      <form className="filters" onSubmit={(e) => e.preventDefault()} data-testid="event-filters">
        {applicationOptions && (
          <label>
            <span>Application</span>
            <select value={filters.application ?? ''} onChange={(e) => set('application', e.target.value)} data-testid="filter-application">
              <option value="">All applications</option>
              {applicationOptions.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
            </select>
          </label>
        )}
        <label>
          <span>Status</span>
          <select value={filters.status ?? ''} onChange={(e) => set('status', e.target.value)} data-testid="filter-status">
            <option value="">Any status</option>
            {deliveryStatuses.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </label>
        <label>
          <span>Event type</span>
          <select value={filters.type ?? ''} onChange={(e) => set('type', e.target.value)} data-testid="filter-type">
            <option value="">Any type</option>
            {[...new Set([...typeOptions, ...(filters.type ? [filters.type] : [])])].sort().map((t) => <option key={t} value={t}>{t}</option>)}
          </select>
        </label>
        {endpointOptions && (
          <label>
            <span>Endpoint</span>
            <select value={filters.endpointId ?? ''} onChange={(e) => set('endpointId', e.target.value)} data-testid="filter-endpoint">
              <option value="">Any endpoint</option>
              {[...endpointOptions, ...(filters.endpointId && !endpointOptions.some((o) => o.value === filters.endpointId) ? [{ value: filters.endpointId, label: filters.endpointId }] : [])].map((o) => (
                <option key={o.value} value={o.value}>{o.label}</option>
              ))}
            </select>
          </label>
        )}
        <label>
          <span>After</span>
          <input type="datetime-local" value={toLocal(filters.after)} onChange={(e) => set('after', toIso(e.target.value))} data-testid="filter-after" />
        </label>
        <label>
          <span>Before</span>
          <input type="datetime-local" value={toLocal(filters.before)} onChange={(e) => set('before', toIso(e.target.value))} data-testid="filter-before" />
        </label>
        {filtered && (
          <a className="btn btn-ghost btn-sm" href={hrefFor({})}>
            Clear filters
          </a>
        )}
        <button type="button" className="btn btn-ghost btn-sm" onClick={first.reload} data-testid="refresh-events">
          ↻ Refresh
        </button>
      </form>
      {first.loading && !first.data && <Loading />}
      <ErrorNote error={first.error} />
      {first.data && events.length === 0 && (
        <Empty title={filtered ? 'No events match these filters' : 'No events yet'} testId="events-empty">
          {filtered ? 'Try a wider time range or another status.' : emptyHint}
        </Empty>
      )}
      {events.length > 0 && <EventTable events={events} eventHref={eventHref} {...(showApplication ? { showApplication } : {})} />}
      <ErrorNote error={more.error} />
      {cursor && (
        <div className="center">
          <button type="button" className="btn" onClick={() => void loadMore()} data-testid="load-more">
            Load more
          </button>
        </div>
      )}
    </>
  );
}
