import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ROOT_CONTEXT, SpanKind, type TextMapGetter } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';

const headers: TextMapGetter<IncomingMessage['headers']> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => carrier[key],
};

/** One webhook the receiver took, with the span it recorded for it. */
export interface TracedRequest {
  path: string;
  traceparent: string;
  /** The receiver's own span: a child of the sender's span named in `traceparent`. */
  spanId: string;
  traceId: string;
}

/**
 * A webhook receiver instrumented the way a subscriber's would be: the OpenTelemetry SDK with the W3C propagator
 * continues the `traceparent` each request carries and exports a SERVER span (`service.name` test-receiver) over
 * OTLP/HTTP. Its own provider and propagator: the test process's globals stay untouched.
 */
export class OtelReceiver {
  readonly requests: TracedRequest[] = [];
  #fail = new Set<string>();
  readonly #provider: TracerProvider;
  readonly #server: Server;

  private constructor(otlpHttp: string) {
    this.#provider = new TracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'test-receiver' }),
      spanProcessors: [new SimpleSpanProcessor({ exporter: new OTLPTraceExporter({ url: `${otlpHttp}/v1/traces` }) })],
    });
    const tracer = this.#provider.getTracer('test-receiver');
    const propagator = new W3CTraceContextPropagator();
    this.#server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const parent = propagator.extract(ROOT_CONTEXT, req.headers, headers);
        const path = req.url ?? '/';
        const span = tracer.startSpan(`POST ${path}`, { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method ?? 'POST', 'url.path': path } }, parent);
        // The first request to a path in #fail answers 503 (the sender retries it), later ones 204.
        const status = this.#fail.delete(path) ? 503 : 204;
        span.setAttribute('http.response.status_code', status);
        span.end();
        const { traceId, spanId } = span.spanContext();
        this.requests.push({ path, traceparent: String(req.headers.traceparent ?? ''), traceId, spanId });
        res.writeHead(status).end();
      });
    });
  }

  static async start(otlpHttp: string): Promise<OtelReceiver> {
    const receiver = new OtelReceiver(otlpHttp);
    await new Promise<void>((resolve) => receiver.#server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  url(path: string): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}${path}`;
  }

  /** The next request to `path` answers 503 once. */
  failOnce(path: string): void {
    this.#fail.add(path);
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
    await this.#provider.shutdown();
  }
}
