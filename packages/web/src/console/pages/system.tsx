import { useEffect, useRef, useState } from 'react';
import type { Api } from '../../shared/api.ts';
import { Badge } from '../../shared/components/badges.tsx';
import { ErrorNote, Loading } from '../../shared/components/feedback.tsx';
import { PageHeader } from '../../shared/components/shell.tsx';
import { Time } from '../../shared/components/time.tsx';
import { ratesBetween, type CounterSample } from '../../shared/rates.ts';
import type { SystemMetrics } from '../../shared/types.ts';

const POLL_MS = 3_000;
const fmt = (n: number | null | undefined, digits = 1) => (n === null || n === undefined ? '—' : n.toLocaleString(undefined, { maximumFractionDigits: digits }));

/** Consumer lag and throughput from the services' metrics, polled every 3 s; rates between two polls. */
export function SystemPage({ api }: { api: Api }) {
  const [metrics, setMetrics] = useState<SystemMetrics | undefined>();
  const [rates, setRates] = useState<Record<string, Record<string, number | null>>>({});
  const [error, setError] = useState<unknown>();
  const previous = useRef<Record<string, CounterSample>>({});
  useEffect(() => {
    let stopped = false;
    const poll = async () => {
      try {
        const m = await api.get<SystemMetrics>('/v1/system/metrics');
        if (stopped) return;
        const at = Date.parse(m.sampledAt) || Date.now();
        const next: Record<string, Record<string, number | null>> = {};
        for (const s of m.services) {
          const sample = { at, counters: s.counters };
          next[s.name] = ratesBetween(previous.current[s.name], sample);
          previous.current[s.name] = sample;
        }
        setMetrics(m);
        setRates(next);
        setError(undefined);
      } catch (err) {
        if (!stopped) setError(err);
      }
    };
    void poll();
    const id = window.setInterval(() => document.visibilityState === 'visible' && void poll(), POLL_MS);
    return () => {
      stopped = true;
      window.clearInterval(id);
    };
  }, [api]);

  /** A counter's rate summed over the services that report it (null before the second poll). */
  const rate = (name: string) => {
    const values = Object.values(rates).map((r) => r[name]).filter((v): v is number => typeof v === 'number');
    return values.length === 0 ? null : values.reduce((a, b) => a + b, 0);
  };
  const lag = metrics?.services.flatMap((s) => s.consumerLag.map((l) => ({ ...l, service: s.name }))) ?? [];
  return (
    <section>
      <PageHeader title="System" subtitle={metrics ? <>Sampled <Time iso={metrics.sampledAt} />, every {POLL_MS / 1000} s</> : 'Throughput and consumer lag of the Hookline services.'} />
      <ErrorNote error={error} />
      {!metrics && !error && <Loading />}
      {metrics && (
        <>
          <div className="stats" data-testid="throughput">
            <div className="stat">
              <span className="stat-label">Events accepted / s</span>
              <span className="stat-value">{fmt(rate('hookline_events_accepted_total'))}</span>
            </div>
            <div className="stat">
              <span className="stat-label">Delivery attempts / s</span>
              <span className="stat-value">{fmt(rate('hookline_delivery_attempts_total'))}</span>
            </div>
            <div className="stat">
              <span className="stat-label">Succeeded / s</span>
              <span className="stat-value">{fmt(rate('hookline_delivery_attempts_succeeded'))}</span>
            </div>
            <div className="stat">
              <span className="stat-label">Dead letters / s</span>
              <span className="stat-value">{fmt(rate('hookline_dead_letters_total'))}</span>
            </div>
            <div className="stat">
              <span className="stat-label">Total consumer lag</span>
              <span className="stat-value">{fmt(lag.reduce((a, l) => a + l.lag, 0), 0)}</span>
            </div>
          </div>
          <div className="grid-2">
            <div className="card">
              <h2>Services</h2>
              <dl className="facts">
                {metrics.services.map((s) => (
                  <div key={s.name} style={{ display: 'contents' }}>
                    <dt>{s.name}</dt>
                    <dd><Badge value={s.up ? 'succeeded' : 'failed'} label={s.up ? 'up' : 'down'} /></dd>
                  </div>
                ))}
              </dl>
            </div>
            <div className="card">
              <h2>Consumer lag</h2>
              {lag.length === 0 ? <p className="muted">No consumer group reports lag.</p> : (
                <table className="table table-compact" data-testid="lag-table">
                  <thead><tr><th>Group</th><th>Topic</th><th>Lag</th></tr></thead>
                  <tbody>
                    {lag.map((l) => (
                      <tr key={`${l.group}/${l.topic}`}><td><code>{l.group}</code></td><td><code>{l.topic}</code></td><td>{fmt(l.lag, 0)}</td></tr>
                    ))}
                  </tbody>
                </table>
              )}
            </div>
          </div>
          <div className="card">
            <h2>Counters</h2>
            <div className="table-wrap">
              <table className="table table-compact">
                <thead><tr><th>Service</th><th>Counter</th><th>Total</th><th>Per second</th></tr></thead>
                <tbody>
                  {metrics.services.flatMap((s) => Object.entries(s.counters).map(([name, value]) => (
                    <tr key={`${s.name}/${name}`}><td>{s.name}</td><td><code>{name}</code></td><td>{fmt(value, 0)}</td><td>{fmt(rates[s.name]?.[name], 2)}</td></tr>
                  )))}
                </tbody>
              </table>
            </div>
          </div>
        </>
      )}
    </section>
  );
}
