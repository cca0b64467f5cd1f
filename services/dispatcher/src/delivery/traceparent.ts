import { randomBytes } from 'node:crypto';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/**
 * The W3C `traceparent` of an outbound webhook: a child of the Kafka record's trace when it carries one (the
 * same trace id, a new span id), else a new trace.
 */
export function childTraceparent(parent: string | undefined): string {
  const m = parent ? TRACEPARENT.exec(parent.trim()) : null;
  const traceId = m ? m[1]! : randomBytes(16).toString('hex');
  const flags = m ? m[3]! : '01';
  return `00-${traceId}-${randomBytes(8).toString('hex')}-${flags}`;
}
