/** A span as Jaeger's query API (`/api/traces`) returns it, with its tags flattened and its service resolved. */
export interface JaegerSpan {
  traceId: string;
  spanId: string;
  /** The CHILD_OF reference's span, if any. */
  parentId?: string;
  name: string;
  service: string;
  kind?: string;
  /** Microseconds since the epoch, and duration in microseconds. */
  startTime: number;
  duration: number;
  attributes: Record<string, string | number | boolean>;
}

interface RawTrace {
  traceID: string;
  spans: Array<{
    traceID: string;
    spanID: string;
    operationName: string;
    references?: Array<{ refType: string; spanID: string; traceID: string }>;
    startTime: number;
    duration: number;
    tags: Array<{ key: string; type: string; value: string | number | boolean }>;
    processID: string;
  }>;
  processes: Record<string, { serviceName: string }>;
}

function flatten(raw: RawTrace): JaegerSpan[] {
  return raw.spans.map((s) => {
    const attributes = Object.fromEntries(s.tags.map((t) => [t.key, t.value]));
    const parent = s.references?.find((r) => r.refType === 'CHILD_OF');
    return {
      traceId: s.traceID,
      spanId: s.spanID,
      ...(parent ? { parentId: parent.spanID } : {}),
      name: s.operationName,
      service: raw.processes[s.processID]?.serviceName ?? '?',
      ...(typeof attributes['span.kind'] === 'string' ? { kind: attributes['span.kind'] } : {}),
      startTime: s.startTime,
      duration: s.duration,
      attributes,
    };
  });
}

/** Jaeger's HTTP query API, the one its UI uses. */
export class JaegerQuery {
  readonly url: string;
  constructor(url: string) {
    this.url = url;
  }

  /** The spans of one trace (none when Jaeger has not got it). */
  async trace(traceId: string): Promise<JaegerSpan[]> {
    const res = await fetch(`${this.url}/api/traces/${traceId}`);
    if (res.status === 404) return [];
    if (!res.ok) throw new Error(`GET /api/traces/${traceId} answered ${res.status}: ${await res.text()}`);
    const body = (await res.json()) as { data: RawTrace[] };
    return body.data.flatMap(flatten);
  }

  /** Trace ids of a service's traces with a span of `operation`, since `since` (ms). */
  async traceIds(service: string, operation: string, since: number, limit = 2_000): Promise<Set<string>> {
    const params = new URLSearchParams({ service, operation, start: String(since * 1000), end: String((Date.now() + 60_000) * 1000), limit: String(limit) });
    const res = await fetch(`${this.url}/api/traces?${params}`);
    if (!res.ok) throw new Error(`GET /api/traces answered ${res.status}: ${await res.text()}`);
    const body = (await res.json()) as { data: RawTrace[] };
    return new Set(body.data.map((t) => t.traceID));
  }

  /** The span names Jaeger has seen for a service. */
  async operations(service: string): Promise<string[]> {
    const res = await fetch(`${this.url}/api/services/${encodeURIComponent(service)}/operations`);
    return ((await res.json()) as { data: string[] | null }).data ?? [];
  }

  /** The services Jaeger has seen. */
  async services(): Promise<string[]> {
    const res = await fetch(`${this.url}/api/services`);
    return ((await res.json()) as { data: string[] | null }).data ?? [];
  }
}

/** A trace as an indented tree (service, kind, name, key attributes), for failure messages and logs. */
export function describeTrace(spans: readonly JaegerSpan[]): string {
  const children = new Map<string, JaegerSpan[]>();
  const ids = new Set(spans.map((s) => s.spanId));
  for (const s of spans) {
    const parent = s.parentId && ids.has(s.parentId) ? s.parentId : '';
    children.set(parent, [...(children.get(parent) ?? []), s]);
  }
  const lines: string[] = [];
  const walk = (parent: string, depth: number) => {
    for (const s of (children.get(parent) ?? []).sort((a, b) => a.startTime - b.startTime)) {
      const attrs = ['hookline.attempt', 'http.response.status_code', 'hookline.fanout_count'].filter((k) => k in s.attributes).map((k) => `${k}=${s.attributes[k]}`);
      lines.push(`${'  '.repeat(depth)}${s.service} ${s.kind ?? ''} ${s.name} [${s.spanId}${s.parentId && !ids.has(s.parentId) ? ` ← ${s.parentId}` : ''}] ${attrs.join(' ')}`);
      walk(s.spanId, depth + 1);
    }
  };
  walk('', 0);
  return lines.join('\n');
}
