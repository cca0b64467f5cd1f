import { z } from 'zod';

/** A caller-facing id or type literal: the alphabet of event types and ids on records. */
const LITERAL = /^[A-Za-z0-9_.:-]{1,128}$/;
/** `$.field` or `$.a.b`: a field of the decoded record (nested by dots). */
const FIELD_PATH = /^\$(\.[A-Za-z_][A-Za-z0-9_]*){1,16}$/;
/** The record's schema name: Avro full name, Protobuf message full name, JSON Schema `title`. */
export const SCHEMA_NAME_SELECTOR = '$schema.name';

/**
 * Where one routing value of a registry-framed record comes from: `$schema.name`, `$.path.to.field` (a string or
 * integer field of the decoded record), or a literal (e.g. `"acme"`).
 */
export const routingSelector = z.string().refine(
  (s) => s === SCHEMA_NAME_SELECTOR || FIELD_PATH.test(s) || LITERAL.test(s),
  'must be "$schema.name", a field path such as "$.tenant" or "$.customer.id", or a literal matching ^[A-Za-z0-9_.:-]{1,128}$',
);

/** How the registry-framed records of one topic are routed when their headers do not say. */
export const topicRouting = z
  .object({
    tenantId: routingSelector.optional(),
    type: routingSelector.optional(),
    id: routingSelector.optional(),
    application: routingSelector.optional(),
  })
  .strict();
export type TopicRouting = z.infer<typeof topicRouting>;

/** `SOURCE_TOPIC_MAPPING`: topic name → {@link TopicRouting}. */
export type SourceTopicMapping = Record<string, TopicRouting>;

const topicName = /^[A-Za-z0-9._-]{1,249}$/;

const mappingJson = z
  .string()
  .default('{}')
  .transform((text, ctx) => {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: `is not JSON: ${(err as Error).message}` });
      return z.NEVER;
    }
    const parsed = z.record(z.string().regex(topicName, 'must be a Kafka topic name'), topicRouting).safeParse(json);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', message: `${issue.path.join('.') || '(value)'}: ${issue.message}` });
      return z.NEVER;
    }
    return parsed.data as SourceTopicMapping;
  });

/**
 * Registry-framed records and extra source topics, read by the consumers of events (the dispatcher's fan-out and the
 * tracker). Which topic a mapping names is checked against the consumed topics by the service at start-up.
 */
export const sourceTopicsFragment = {
  SCHEMA_REGISTRY_URL: z
    .preprocess((v) => (v === 'none' || v === '' ? undefined : v), z.string().url().optional())
    .describe(
      'Confluent-compatible Schema Registry (e.g. Apicurio at /apis/ccompat/v7). The dispatcher and the tracker decode registry-framed event records (Avro, JSON Schema, Protobuf) through it. Unset or none: such records go to the invalid topic.',
    ),
  SOURCE_TOPICS: z
    .string()
    .default('')
    .transform((text, ctx) => {
      const topics = [...new Set(text.split(',').map((s) => s.trim()).filter(Boolean))];
      for (const t of topics) if (!topicName.test(t)) ctx.addIssue({ code: 'custom', message: `"${t}" is not a Kafka topic name` });
      return topics;
    })
    .describe(
      'Comma-separated topics consumed besides the events topic, with the same guarantees (JSON envelopes or registry-framed records; created when missing). Default: none.',
    ),
  SOURCE_TOPIC_MAPPING: mappingJson.describe(
    'JSON object: topic → {tenantId?, type?, id?, application?}, each "$schema.name", "$.field.path" or a literal; routes registry-framed records of that topic when their hookline-* headers do not. Default: {} (headers only).',
  ),
};
