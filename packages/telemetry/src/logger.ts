import { isMainThread } from 'node:worker_threads';
import { trace } from '@opentelemetry/api';
import { pino, type DestinationStream, type Logger } from 'pino';
import { formatLogLine } from './pretty-log.ts';

export type { Logger } from 'pino';

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  service: string;
  level: string;
  /** `json` (default): one JSON object a line. `pretty`: one human line a line (`LOG_FORMAT=pretty`; `npm start`). */
  format?: 'json' | 'pretty';
  /** ANSI colours in the pretty format (default true; `NO_COLOR` turns them off). */
  colour?: boolean;
  /** Where JSON lines go instead of stdout (tests capture them to scan for secrets). */
  destination?: DestinationStream;
}

/**
 * In a worker thread (the services run in one process) lines go to the thread's `process.stdout`, which its host
 * reads, so that each line stays with its service; pino's own destination would write to the process's descriptor 1.
 */
const inWorker = !isMainThread;

/** Writes each line as a person reads it, synchronously on stdout like pino's own destination. */
function prettyStream(colour: boolean): DestinationStream {
  const stdout = inWorker ? process.stdout : pino.destination({ dest: 1, sync: true });
  return { write: (line: string) => stdout.write(`${formatLogLine(line.trimEnd(), { colour })}\n`) };
}

/**
 * A pino logger for a service: JSON lines, or human lines with `format: 'pretty'`. Every line carries
 * `trace_id`/`span_id` of the active span (so a log line leads to its trace), and known secret-bearing fields are
 * redacted.
 */
export function createLogger(opts: LoggerOptions): Logger {
  const options = {
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
  } satisfies pino.LoggerOptions;
  if (opts.format === 'pretty') return pino(options, prettyStream(opts.colour ?? true));
  if (opts.destination) return pino(options, opts.destination);
  return inWorker ? pino(options, process.stdout) : pino(options);
}
