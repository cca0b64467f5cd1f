import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { RequestHandler } from 'express';

const tracer = trace.getTracer('hookline-ingest');

/** Probes and scrapes: one trace each every few seconds would bury the requests worth looking at. */
const UNTRACED = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * A SERVER span per request (HTTP semantic conventions), continuing the caller's trace when it sends a
 * `traceparent`. The handlers run inside it, so the Kafka produce that follows is its child. The span is named
 * after the route pattern once routing has matched (bounded cardinality), never the raw path. Health probes and
 * metric scrapes are not traced.
 */
export const requestTracing: RequestHandler = (req, res, next) => {
  if (req.method === 'GET' && UNTRACED.has(req.path)) return next();
  const parent = propagation.extract(context.active(), req.headers);
  const span = tracer.startSpan(req.method, { kind: SpanKind.SERVER }, parent);
  // Attributes only for a span that records: most are not sampled (the samplers Hookline offers do not read them),
  // and reading them costs express's getters on every request.
  if (!span.isRecording()) {
    context.with(trace.setSpan(parent, span), next);
    return;
  }
  span.setAttributes({
    'http.request.method': req.method,
    'url.path': req.path,
    'url.scheme': req.protocol,
    'server.port': req.socket.localPort ?? 0,
    ...(req.get('user-agent') ? { 'user_agent.original': req.get('user-agent') } : {}),
  });
  res.on('finish', () => {
    const route = (req.route as { path?: string } | undefined)?.path;
    if (route) {
      span.updateName(`${req.method} ${route}`);
      span.setAttribute('http.route', route);
    }
    span.setAttribute('http.response.status_code', res.statusCode);
    if (typeof res.locals.tenantId === 'string') span.setAttribute('hookline.tenant_id', res.locals.tenantId);
    const app = res.locals.application as { id?: unknown } | undefined;
    if (typeof app?.id === 'string') span.setAttribute('hookline.application_id', app.id);
    if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  });
  context.with(trace.setSpan(parent, span), next);
};
