import type { Attributes, Span } from '@opentelemetry/api';
import type { IHeaders, TopicMessages } from 'kafkajs';
import { endSpan, headersFor, startProducerSpan } from './tracing.ts';

/** Records to produce together, each topic's carrying its own PRODUCER span's context; `end` once acknowledged. */
export interface TracedSends {
  topicMessages: TopicMessages[];
  /** Ends every span (failed with `err` when there is one). Safe to call more than once: only the first counts. */
  end(err?: unknown): void;
}

/**
 * One `send <topic>` PRODUCER span per topic of a hand-off (children of the active span), whose context the
 * topic's records carry (`traceparent`/`tracestate`, replacing any the records had), so each consumer's span is a
 * child of the produce that wrote its record. One span per topic, not one per hand-off: a span names one
 * destination (`messaging.destination.name`), and Jaeger then shows `send <topic>` → `process <topic>` pairs.
 * Without a tracing SDK the spans are not valid and the records carry `fallback`'s `traceparent` instead.
 * The records are built once: a hand-off retried after a failed produce sends the same records in the same spans.
 */
export function traceSends(topicMessages: readonly TopicMessages[], attributes: Attributes, fallback: IHeaders | undefined): TracedSends {
  const spans = new Map<string, Span>();
  /** Each topic's trace headers, made once for all its records. */
  const traceHeaders = new Map<string, IHeaders>();
  const counts = new Map<string, number>();
  for (const { topic, messages } of topicMessages) counts.set(topic, (counts.get(topic) ?? 0) + messages.length);
  const traced = topicMessages.map(({ topic, messages }) => {
    let headers = traceHeaders.get(topic);
    if (!headers) {
      const span = startProducerSpan(topic, { 'messaging.batch.message_count': counts.get(topic)!, ...attributes });
      spans.set(topic, span);
      traceHeaders.set(topic, (headers = headersFor(span, fallback)));
    }
    const h = headers;
    return { topic, messages: messages.map((m) => ({ ...m, headers: { ...m.headers, ...h } })) };
  });
  let ended = false;
  return {
    topicMessages: traced,
    end(err?: unknown) {
      if (ended) return;
      ended = true;
      for (const span of spans.values()) endSpan(span, err);
    },
  };
}
