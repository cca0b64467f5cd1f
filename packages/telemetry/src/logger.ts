import { trace } from '@opentelemetry/api';
import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

/**
 * A pino JSON logger for a service. Every line carries `trace_id`/`span_id` of the active span (so a log line
 * leads to its trace), and known secret-bearing fields are redacted.
 */
export function createLogger(opts: { service: string; level: string }): Logger {
  return pino({
    level: opts.level,
    base: { service: opts.service },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: ['secret', 'secrets', 'apiKey', 'authorization', '*.secret', '*.apiKey', '*.authorization', 'headers["webhook-signature"]'],
      censor: '[redacted]',
    },
    mixin() {
      const span = trace.getActiveSpan();
      if (!span) return {};
      const { traceId, spanId } = span.spanContext();
      return { trace_id: traceId, span_id: spanId };
    },
  });
}
