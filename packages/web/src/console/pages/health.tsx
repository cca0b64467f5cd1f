import { ApiError, appBase, type Api } from '../../shared/api.ts';
import { Badge, CircuitBadge } from '../../shared/components/badges.tsx';
import { Empty, ErrorNote, Loading } from '../../shared/components/feedback.tsx';
import { PageHeader } from '../../shared/components/shell.tsx';
import { Time } from '../../shared/components/time.tsx';
import { useLoad } from '../../shared/hooks.ts';
import { href, navigate, type Route } from '../../shared/router.ts';
import type { Application, Endpoint, EndpointHealth, HealthRow, Page } from '../../shared/types.ts';
import { allApplications } from './applications.tsx';

/** At most this many endpoints are asked one by one when the API has no health list. */
const FALLBACK_MAX = 100;

/**
 * Every endpoint's health: `GET /v1/endpoints/health` (docs/applications.md); where the API answers 404 (a version
 * without that list), each application's endpoints are asked one by one, at most {@link FALLBACK_MAX}.
 */
async function loadHealth(api: Api, application: string, apps: () => Promise<Application[]>): Promise<HealthRow[]> {
  try {
    return (await api.get<{ data: HealthRow[] }>('/v1/endpoints/health', { application, limit: 250 })).data;
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 404)) throw err;
  }
  const ids = application ? [application] : (await apps()).map((a) => a.id);
  const endpoints: Endpoint[] = [];
  for (const app of ids) {
    if (endpoints.length >= FALLBACK_MAX) break;
    const page = await api.get<Page<Endpoint>>(`${appBase(app)}/endpoints`, { limit: 250 });
    endpoints.push(...page.data.map((e) => ({ ...e, applicationId: e.applicationId ?? app })));
  }
  return Promise.all(
    endpoints.slice(0, FALLBACK_MAX).map(async (e) => {
      const h = await api.get<EndpointHealth>(`${appBase(e.applicationId!)}/endpoints/${encodeURIComponent(e.id)}/health`);
      return { endpointId: e.id, applicationId: e.applicationId!, url: e.url, circuit: h.circuit, disabled: h.disabled, disabledReason: h.disabledReason, failingSince: h.failingSince, successRate1h: h.successRate1h, p50Ms: h.p50Ms, attempts1h: h.attempts1h };
    }),
  );
}

const rank = (h: HealthRow) => (h.circuit === 'open' ? 0 : h.disabled ? 1 : h.circuit === 'half_open' ? 2 : h.failingSince ? 3 : 4);
/** Problems first (open, disabled, half-open, failing), then the lowest success rate. */
const worstFirst = (a: HealthRow, b: HealthRow) => rank(a) - rank(b) || (a.successRate1h ?? 1) - (b.successRate1h ?? 1);

/** Endpoint health across applications: open circuits and disabled endpoints first (refreshed every 10 s). */
export function HealthPage({ api, route }: { api: Api; route: Route }) {
  const application = route.query.get('application') ?? '';
  const apps = useLoad(() => allApplications(api), []);
  const health = useLoad(() => loadHealth(api, application, () => allApplications(api)), [application], { pollMs: 10_000 });
  // The API already orders problems first; sorting again keeps that true whatever it sends (and for the fallback).
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
                <th>p50</th>
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
                    <td className="num">{h.p50Ms === null ? '—' : `${Math.round(h.p50Ms)} ms`}</td>
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
