import { CopyId } from '../components/copy-button.tsx';
import { Time } from '../components/time.tsx';
import { navigate } from '../router.ts';
import type { EventView } from '../types.ts';

/** Rows of events, each opening its detail. */
export function EventTable({ events, eventHref, showApplication }: { events: EventView[]; eventHref: (e: EventView) => string; showApplication?: boolean }) {
  return (
    <div className="table-wrap">
      <table className="table" data-testid="events-table">
        <thead>
          <tr>
            <th>Event type</th>
            <th>Event id</th>
            {showApplication && <th>Application</th>}
            <th>Created</th>
          </tr>
        </thead>
        <tbody>
          {events.map((e) => (
            <tr key={e.id} className="clickable" data-testid="event-row" data-id={e.id} onClick={() => navigate(eventHref(e))}>
              <td>
                <a href={eventHref(e)} className="strong" onClick={(ev) => ev.stopPropagation()}>
                  <code>{e.type}</code>
                </a>
              </td>
              <td>
                <CopyId value={e.id} />
              </td>
              {showApplication && <td><code className="muted">{e.applicationId ?? '—'}</code></td>}
              <td>
                <Time iso={e.createdAt} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
