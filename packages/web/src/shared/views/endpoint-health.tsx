import { appBase } from '../api.ts';
import { CircuitBadge } from '../components/badges.tsx';
import { ErrorNote, Loading } from '../components/feedback.tsx';
import { Time } from '../components/time.tsx';
import { useLoad } from '../hooks.ts';
import { useScope } from '../scope.ts';
import type { EndpointHealth } from '../types.ts';

const percent = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(v === 1 || v === 0 ? 0 : 1)} %`);
const ms = (v: number | null) => (v === null ? '—' : v >= 1000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`);

/** Success rate, latency and circuit state over the last hour (refreshed every 10 s). */
export function EndpointHealthCard({ endpointId, version }: { endpointId: string; version: number }) {
  const { api, app } = useScope();
  const health = useLoad(() => api.get<EndpointHealth>(`${appBase(app)}/endpoints/${encodeURIComponent(endpointId)}/health`), [app, endpointId, version], { pollMs: 10_000 });
  const h = health.data;
  return (
    <div className="card" data-testid="endpoint-health">
      <h2>Health <span className="muted small">last hour</span></h2>
      {!h && health.loading && <Loading />}
      <ErrorNote error={health.error} />
      {h && (
        <>
          <div className="stats">
            <div className="stat">
              <span className="stat-label">Success rate</span>
              <span className="stat-value" data-testid="success-rate">{percent(h.successRate1h)}</span>
            </div>
            <div className="stat">
              <span className="stat-label">Attempts</span>
              <span className="stat-value">{h.attempts1h}</span>
            </div>
            <div className="stat">
              <span className="stat-label">p50 latency</span>
              <span className="stat-value">{ms(h.p50Ms)}</span>
            </div>
            <div className="stat">
              <span className="stat-label">p99 latency</span>
              <span className="stat-value">{ms(h.p99Ms)}</span>
            </div>
          </div>
          <dl className="facts">
            <dt>Circuit</dt>
            <dd><CircuitBadge circuit={h.circuit} /></dd>
            <dt>Last success</dt>
            <dd><Time iso={h.lastSuccessAt} empty="never" /></dd>
            <dt>Last failure</dt>
            <dd><Time iso={h.lastFailureAt} empty="never" /></dd>
            {h.failingSince && (
              <>
                <dt>Failing since</dt>
                <dd><Time iso={h.failingSince} /></dd>
              </>
            )}
            {h.disabledReason && (
              <>
                <dt>Disabled because</dt>
                <dd>{h.disabledReason}</dd>
              </>
            )}
          </dl>
        </>
      )}
    </div>
  );
}
