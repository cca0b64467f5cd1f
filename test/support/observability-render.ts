import type { JaegerSpan } from './jaeger-query.ts';

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
const COLOURS: Record<string, string> = {
  'hookline-ingest': '#4e79a7',
  'hookline-dispatcher': '#f28e2b',
  'hookline-tracker': '#59a14f',
  'test-receiver': '#b07aa1',
};
const colour = (service: string) => COLOURS[service] ?? '#888';
const PAGE = `font-family: "DejaVu Sans", Arial, sans-serif; margin: 0; padding: 20px 24px; background: #fff; color: #222;`;

/** Spans depth-first under their parents (a span whose parent is not in the trace is a root). */
function ordered(spans: readonly JaegerSpan[]): Array<{ span: JaegerSpan; depth: number }> {
  const ids = new Set(spans.map((s) => s.spanId));
  const children = new Map<string, JaegerSpan[]>();
  for (const s of spans) {
    const parent = s.parentId && ids.has(s.parentId) ? s.parentId : '';
    children.set(parent, [...(children.get(parent) ?? []), s]);
  }
  const out: Array<{ span: JaegerSpan; depth: number }> = [];
  const walk = (parent: string, depth: number) => {
    for (const span of (children.get(parent) ?? []).sort((a, b) => a.startTime - b.startTime)) {
      out.push({ span, depth });
      walk(span.spanId, depth + 1);
    }
  };
  walk('', 0);
  return out;
}

const ms = (micros: number) => (micros >= 1000_000 ? `${(micros / 1e6).toFixed(2)} s` : `${(micros / 1000).toFixed(micros < 10_000 ? 2 : 1)} ms`);

/**
 * One trace as a timeline page in the manner of Jaeger's trace view: a row per span, indented under its parent,
 * its bar placed by start and length on the trace's time axis, coloured by service, with its key attributes.
 * Drawn from Jaeger's query API answer (`/api/traces/{id}`).
 */
export function traceTimelineHtml(traceId: string, spans: readonly JaegerSpan[], source: string): string {
  const start = Math.min(...spans.map((s) => s.startTime));
  const end = Math.max(...spans.map((s) => s.startTime + s.duration));
  const total = Math.max(end - start, 1);
  const services = [...new Set(ordered(spans).map(({ span }) => span.service))];
  const keys = ['http.response.status_code', 'hookline.attempt', 'messaging.destination.partition.id', 'messaging.kafka.offset', 'hookline.fanout_count'];
  const rows = ordered(spans).map(({ span, depth }) => {
    const left = ((span.startTime - start) / total) * 100;
    const width = Math.max((span.duration / total) * 100, 0.25);
    const short = (k: string) => (k === 'messaging.destination.partition.id' ? 'partition' : k.split('.').at(-1));
    const attrs = keys.filter((k) => k in span.attributes).map((k) => `${short(k)}=${span.attributes[k]}`).join(' ');
    // The duration right of the bar, or left of it when the bar ends near the axis' end.
    const label = left + width > 85 ? `right:${100 - left}%;margin-right:4px` : `left:${left + width}%;margin-left:4px`;
    return `<tr>
      <td class="name" style="padding-left:${8 + depth * 16}px"><span class="dot" style="background:${colour(span.service)}"></span><b>${esc(span.service)}</b> ${esc(span.name)}<div class="attrs">${esc(span.kind ?? '')} ${esc(attrs)}</div></td>
      <td class="bar"><div class="track"><div class="span" style="left:${left}%;width:${width}%;background:${colour(span.service)}"></div><div class="dur" style="${label}">${ms(span.duration)}</div></div></td>
    </tr>`;
  });
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => `<span style="left:${f * 100}%">${ms(total * f)}</span>`).join('');
  return `<!doctype html><html><head><meta charset="utf-8"><style>
    body { ${PAGE} }
    h1 { font-size: 18px; margin: 0 0 4px; } .sub { color: #666; font-size: 12px; margin-bottom: 12px; }
    table { border-collapse: collapse; width: 100%; font-size: 12px; table-layout: fixed; }
    td { border-top: 1px solid #eee; padding: 4px 8px; vertical-align: middle; }
    col.name { width: 46%; } td.name { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; } .attrs { color: #777; font-size: 11px; margin-left: 14px; }
    .dot { display: inline-block; width: 9px; height: 9px; border-radius: 2px; margin-right: 5px; }
    .track { position: relative; height: 18px; } .span { position: absolute; top: 3px; height: 12px; border-radius: 2px; }
    .dur { position: absolute; top: 2px; color: #555; font-size: 11px; }
    .axis { position: relative; height: 16px; font-size: 11px; color: #777; }
    .axis span { position: absolute; white-space: nowrap; transform: translateX(-50%); } .axis span:first-child { transform: none; } .axis span:last-child { transform: translateX(-100%); }
    .legend span { margin-right: 14px; font-size: 12px; }
  </style></head><body>
    <h1>Trace ${esc(traceId)}</h1>
    <div class="sub">${spans.length} spans · ${services.length} services · ${ms(total)} · from Jaeger's query API: ${esc(source)}</div>
    <div class="legend">${services.map((s) => `<span><span class="dot" style="background:${colour(s)}"></span>${esc(s)}</span>`).join('')}</div>
    <table><colgroup><col class="name"><col></colgroup>
      <tr><td></td><td><div class="axis">${ticks}</div></td></tr>
      ${rows.join('')}
    </table>
  </body></html>`;
}

/** A dashboard query with Prometheus' answers: the instant vector and, per series, the range over the load. */
export interface EvaluatedQuery {
  panel: string;
  refId: string;
  expr: string;
  legend?: string;
  series: Array<{ label: string; value: number; points: Array<[number, number]> }>;
}

function sparkline(points: Array<[number, number]>, stroke: string): string {
  const finite = points.filter(([, v]) => Number.isFinite(v));
  if (finite.length < 2) return '';
  const xs = finite.map(([t]) => t);
  const ys = finite.map(([, v]) => v);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(0, ...ys), Math.max(...ys)];
  const path = finite.map(([t, v]) => `${(((t - x0) / (x1 - x0 || 1)) * 118 + 1).toFixed(1)},${(29 - ((v - y0) / (y1 - y0 || 1)) * 27).toFixed(1)}`).join(' ');
  return `<svg width="120" height="30"><polyline fill="none" stroke="${stroke}" stroke-width="1.5" points="${path}"/></svg>`;
}

const figure = (v: number) => (!Number.isFinite(v) ? 'NaN' : Math.abs(v) >= 1e6 ? v.toExponential(2) : Number.isInteger(v) ? String(v) : v.toPrecision(3));

/** Every dashboard query with its answer, panel by panel: what Grafana would draw, as figures and sparklines. */
export function dashboardQueriesHtml(queries: readonly EvaluatedQuery[], source: string): string {
  const panels = new Map<string, EvaluatedQuery[]>();
  for (const q of queries) panels.set(q.panel, [...(panels.get(q.panel) ?? []), q]);
  const palette = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#b07aa1', '#76b7b2'];
  const cards = [...panels].map(([panel, qs]) => {
    const lines = qs.flatMap((q) =>
      (q.series.length === 0 ? [{ label: '(no data)', value: Number.NaN, points: [] }] : q.series.slice(0, 4)).map((s, i) =>
        `<tr><td class="ref">${q.refId}</td><td class="lbl">${esc(s.label)}</td><td class="val">${figure(s.value)}</td><td>${sparkline(s.points, palette[i % palette.length]!)}</td></tr>`,
      ),
    );
    const exprs = qs.map((q) => `<div class="expr"><b>${q.refId}</b> ${esc(q.expr)}</div>`).join('');
    return `<div class="card"><h2>${esc(panel)}</h2>${exprs}<table>${lines.join('')}</table></div>`;
  });
  return `<!doctype html><html><head><meta charset="utf-8"><style>
    body { ${PAGE} }
    h1 { font-size: 18px; margin: 0 0 4px; } .sub { color: #666; font-size: 12px; margin-bottom: 12px; }
    .grid { display: grid; grid-template-columns: repeat(4, 1fr); gap: 10px; }
    .card { border: 1px solid #ddd; border-radius: 4px; padding: 8px; font-size: 11px; overflow: hidden; }
    h2 { font-size: 13px; margin: 0 0 4px; } .expr { color: #666; font-family: "DejaVu Sans Mono", monospace; font-size: 9px; margin-bottom: 3px; word-break: break-all; }
    table { border-collapse: collapse; width: 100%; } td { padding: 1px 3px; vertical-align: middle; }
    .ref { color: #999; width: 10px; } .lbl { max-width: 120px; overflow: hidden; white-space: nowrap; text-overflow: ellipsis; } .val { text-align: right; font-weight: bold; }
  </style></head><body>
    <h1>Hookline dashboard: every query, evaluated by Prometheus</h1>
    <div class="sub">${queries.length} queries of infra/grafana/dashboards/hookline.json through ${esc(source)} · value now and its course over the load</div>
    <div class="grid">${cards.join('')}</div>
  </body></html>`;
}
