import type { Api } from '../../shared/api.ts';
import { Badge, CircuitBadge } from '../../shared/components/badges.tsx';
import { Empty, ErrorNote, Loading } from '../../shared/components/feedback.tsx';
import { PageHeader } from '../../shared/components/shell.tsx';
import { Time } from '../../shared/components/time.tsx';
import { useLoad } from '../../shared/hooks.ts';
import { href, navigate, type Route } from '../../shared/router.ts';
import type { HealthRow } from '../../shared/types.ts';
import { allApplications } from './applications.tsx';

const rank = (h: HealthRow) => (h.circuit === 'open' ? 0 : h.disabled ? 1 : h.circuit === 'half_open' ? 2 : h.failingSince ? 3 : 4);
/** Problems first (open, disabled, half-open, failing), then the lowest success rate. */
const worstFirst = (a: HealthRow, b: HealthRow) => rank(a) - rank(b) || (a.successRate1h ?? 1) - (b.successRate1h ?? 1);

/** Endpoint health across applications: open circuits and disabled endpoints first (refreshed every 10 s). */
export function HealthPage({ api, route }: { api: Api; route: Route }) {
  const application = route.query.get('application') ?? '';
  const apps = useLoad(() => allApplications(api), []);
  const health = useLoad(() => api.get<{ data: HealthRow[] }>('/v1/endpoint-health', { application, limit: 250 }).then((r) => r.data), [application], { pollMs: 10_000 });
  // The API orders open circuits and disabled endpoints first; failing ones go before healthy ones here too.
  const rows = [...(health.data ?? [])].sort(worstFirst);
  const names = new Map(apps.data?.map((a) => [a.id, a.name]));
  return (
    <section>
      <PageHeader title="Endpoint health" subtitle="The last hour of every endpoint: open circuits and disabled endpoints first." />
      <form className="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          <span>Application</span>
          <select value={application} onChange={(e) => navigate(href(['health'], { application: e.target.value }))} data-testid="filter-application">
            <option value="">All applications</option>
            {apps.data?.map((a) => <option key={a.id} value={a.id}>{a.name}</option>)}
          </select>
        </label>
      </form>
      {health.loading && !health.data && <Loading />}
      <ErrorNote error={health.error} />
      {health.data && rows.length === 0 && <Empty title="No endpoints yet">Endpoints appear here once an application has one.</Empty>}
      {rows.length > 0 && (
        <div className="table-wrap">
          <table className="table" data-testid="health-table">
            <thead>
              <tr>
                <th>Endpoint</th>
                <th>Application</th>
                <th>Circuit</th>
                <th>Success (1 h)</th>
                <th>Attempts</th>
                <th>Failing since</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((h) => {
                const link = h.applicationId ? href(['applications', h.applicationId, 'endpoints', h.endpointId]) : undefined;
                const rate = h.successRate1h;
                return (
                  <tr key={h.endpointId} data-testid="health-row" data-circuit={h.circuit} className={link ? 'clickable' : ''} onClick={() => link && navigate(link)}>
                    <td>
                      <span className="strong mono-url">{h.url}</span>
                      {h.disabled && <div><Badge value="disabled" /> <span className="muted small">{h.disabledReason}</span></div>}
                    </td>
                    <td>{h.applicationId ? names.get(h.applicationId) ?? <code>{h.applicationId}</code> : '—'}</td>
                    <td><CircuitBadge circuit={h.circuit} /></td>
                    <td>
                      {rate === null ? <span className="muted">—</span> : (
                        <div className="inline num">
                          <div className="bar" aria-hidden="true"><span style={{ width: `${rate * 100}%`, background: rate < 0.9 ? 'var(--bad)' : undefined }} /></div>
                          {(rate * 100).toFixed(rate === 1 ? 0 : 1)} %
                        </div>
                      )}
                    </td>
                    <td>{h.attempts1h}</td>
                    <td><Time iso={h.failingSince} /></td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
