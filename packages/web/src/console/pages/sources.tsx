import type { Api } from '../../shared/api.ts';
import { Badge } from '../../shared/components/badges.tsx';
import { CopyId } from '../../shared/components/copy-button.tsx';
import { Empty, ErrorNote, Loading } from '../../shared/components/feedback.tsx';
import { PageHeader } from '../../shared/components/shell.tsx';
import { Time } from '../../shared/components/time.tsx';
import { useLoad } from '../../shared/hooks.ts';
import { href, type Route } from '../../shared/router.ts';
import type { Page } from '../../shared/types.ts';

/** An inbound source as `GET /v1/sources` shows it. */
interface Source {
  id: string;
  name: string;
  provider: string;
  eventType: string | null;
  applicationId: string | null;
  allowedIps: string[];
  rateLimitPerSecond: number | null;
  createdAt: string;
}

/** One request to a source, as `GET /v1/sources/{id}/requests` shows it. */
interface SourceRequest {
  id: string;
  receivedAt: string;
  remoteAddress: string;
  verification: 'verified' | 'failed' | 'skipped' | 'refused';
  reason: string | null;
  status: number;
  eventId: string | null;
  eventType: string | null;
  deliveryId: string | null;
  duplicate: boolean;
}

/** How a verification result is coloured: the badge tones of delivery states. */
const tone: Record<SourceRequest['verification'], string> = { verified: 'succeeded', skipped: 'pending', refused: 'retrying', failed: 'failed' };

/** Inbound sources (provider webhooks received at /in/<token>) and each one's recent requests with their verification. */
export function SourcesPage({ api, route }: { api: Api; route: Route }) {
  const selected = route.parts[1] ?? '';
  const list = useLoad(() => api.get<Page<Source>>('/v1/sources', { limit: 250 }), []);
  const sources = list.data?.data ?? [];
  return (
    <section>
      <PageHeader
        title="Sources"
        subtitle="Webhooks you receive from providers (GitHub, Stripe, Shopify, Slack, …): verified, recorded and delivered to your application's endpoints."
      />
      {list.loading && !list.data && <Loading />}
      <ErrorNote error={list.error} />
      {list.data && sources.length === 0 && (
        <Empty title="No sources yet" testId="sources-empty">Create one with POST /v1/sources; its URL goes into the provider's webhook settings.</Empty>
      )}
      {sources.length > 0 && (
        <div className="table-wrap">
          <table className="table" data-testid="sources-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Provider</th>
                <th>Event type</th>
                <th>Application</th>
                <th>Allowed IPs</th>
                <th>Created</th>
              </tr>
            </thead>
            <tbody>
              {sources.map((s) => (
                <tr key={s.id} data-testid="source-row" className={s.id === selected ? 'selected' : undefined}>
                  <td>
                    <a href={href(['sources', s.id])}>{s.name}</a>
                    <div><CopyId value={s.id} /></div>
                  </td>
                  <td><code>{s.provider}</code></td>
                  <td>{s.eventType ? <code>{s.eventType}</code> : <span className="muted">from the provider</span>}</td>
                  <td>{s.applicationId ? <a href={href(['applications', s.applicationId])}><code>{s.applicationId}</code></a> : <span className="muted">default</span>}</td>
                  <td>{s.allowedIps.length > 0 ? s.allowedIps.join(', ') : <span className="muted">any</span>}</td>
                  <td><Time iso={s.createdAt} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {selected && <SourceRequests key={selected} api={api} source={sources.find((s) => s.id === selected)} id={selected} />}
    </section>
  );
}

/** The newest requests to one source. */
function SourceRequests({ api, id, source }: { api: Api; id: string; source: Source | undefined }) {
  const requests = useLoad(() => api.get<Page<SourceRequest>>(`/v1/sources/${encodeURIComponent(id)}/requests`, { limit: 100 }), [id], { pollMs: 5_000 });
  const rows = requests.data?.data ?? [];
  return (
    <div className="card" data-testid="source-requests">
      <h2>Recent requests{source ? ` to ${source.name}` : ''}</h2>
      {requests.loading && !requests.data && <Loading />}
      <ErrorNote error={requests.error} />
      {requests.data && rows.length === 0 && <Empty title="No requests yet" testId="source-requests-empty">Nothing has been posted to this source's URL.</Empty>}
      {rows.length > 0 && (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th>Received</th>
                <th>Verification</th>
                <th>Answer</th>
                <th>Event</th>
                <th>Delivery id</th>
                <th>From</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id} data-testid="source-request-row">
                  <td><Time iso={r.receivedAt} /></td>
                  <td>
                    <Badge value={tone[r.verification]} label={r.verification} testId="source-request-verification" />
                    {r.reason && <div className="error-text small">{r.reason.replaceAll('_', ' ')}</div>}
                  </td>
                  <td>
                    {r.status}
                    {r.duplicate && <div className="muted small">repeat: nothing published</div>}
                  </td>
                  <td>
                    {r.eventId && source?.applicationId ? <a href={href(['applications', source.applicationId, 'events', r.eventId])}><code>{r.eventType}</code></a> : <code>{r.eventType ?? '—'}</code>}
                    {r.eventId && <div><CopyId value={r.eventId} /></div>}
                  </td>
                  <td>{r.deliveryId ? <code>{r.deliveryId}</code> : <span className="muted">—</span>}</td>
                  <td><code>{r.remoteAddress}</code></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
