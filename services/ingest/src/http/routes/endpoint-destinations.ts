import type { KafkaDestination } from '@hookline/db';
import { z } from 'zod';
import { validationFailed } from '../../domain/errors.ts';
import type { TargetChecker } from '../../targets/target-checker.ts';

/**
 * An endpoint's destination (issue 22): `type` `http` (default: a signed POST to `url`) or `kafka` (the same signed
 * body produced to a topic of the endpoint owner's cluster, Standard Webhooks headers as record headers). The shape
 * follows Outpost's Kafka destination and Svix's stream sinks: bootstrap servers, topic, key, SASL, TLS. `pull`
 * endpoints have neither: their consumer reads the stored deliveries (routes/pull-messages.ts).
 */
export const endpointType = z
  .enum(['http', 'kafka', 'pull'])
  .describe('Where deliveries go: `http` (default) POSTs to `url`; `kafka` produces to `kafka.topic`; `pull` stores them for GET /v1/endpoints/{id}/messages (no url)');

/** A temporary pull endpoint's lifetime after its creation and after each read (e.g. `hookline listen`: 300). */
export const expiresInSeconds = z
  .number()
  .int()
  .min(10)
  .max(604_800)
  .describe('Pull endpoints only: make the endpoint temporary. It is deleted this many seconds after its creation or its last read of messages (10–604800); absent: permanent');

const brokerAddress = z
  .string()
  .max(261)
  .regex(/^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]{0,253}[A-Za-z0-9])?):(?:[1-9][0-9]{0,4})$/, 'must be host:port (an IPv6 address in brackets)')
  .refine((s) => Number(s.slice(s.lastIndexOf(':') + 1)) <= 65_535, 'port must be 1–65535');
const pem = z.string().max(20_000).regex(/-----BEGIN [A-Z0-9 ]+-----/, 'must be PEM');
const secretText = z.string().min(1).max(1_000);

export const kafkaDestination = z
  .strictObject({
    bootstrapServers: z.array(brokerAddress).min(1).max(10).describe('Brokers to bootstrap from, `host:port`'),
    topic: z.string().regex(/^[A-Za-z0-9._-]{1,249}$/, 'must be a Kafka topic name (letters, digits, . _ -; 1–249)').describe('The topic records are produced to (it must exist)'),
    key: z
      .string()
      .regex(/^(?:eventId|orderingKey|[A-Za-z0-9_$-]{1,64}(?:\.[A-Za-z0-9_$-]{1,64}){0,15})$/, 'must be eventId, orderingKey or a dotted path into the event data')
      .optional()
      .describe('The record key: `eventId` (default), `orderingKey` (the event id when the event has none), or a dotted path into `data` (e.g. `customer.id`; no key when absent)'),
    sasl: z
      .strictObject({
        mechanism: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']).describe('SASL mechanism the brokers accept (SASL_PLAINTEXT, or SASL_SSL with `tls`)'),
        username: secretText,
        password: secretText.describe('Write-only: stored encrypted, never returned'),
      })
      .optional()
      .describe('SASL authentication (default: none). A wrong password fails the attempt with the broker\'s answer, retried like a network error'),
    tls: z
      .union([
        z.boolean(),
        z.strictObject({
          ca: pem.optional().describe('CA certificate(s) the brokers are verified against (PEM); default: the system CAs'),
          cert: pem.optional().describe('Client certificate (PEM), for mutual TLS'),
          key: pem.optional().describe('Client private key (PEM). Write-only: stored encrypted, never returned'),
          rejectUnauthorized: z.boolean().optional().describe("false: do not verify the brokers' certificates (test clusters only); default true"),
        }).refine((t) => (t.cert === undefined) === (t.key === undefined), { message: 'cert and key go together (mutual TLS)', path: ['key'] }),
      ])
      .optional()
      .describe('true, or TLS settings: connect with TLS (default: plaintext)'),
  })
  .describe('A Kafka-topic destination (type `kafka`). Answers show `sasl` without its password and `tls.hasClientKey` instead of the key');

export type KafkaDestinationInput = z.infer<typeof kafkaDestination>;

const kafkaView = z.object({
  bootstrapServers: z.array(z.string()),
  topic: z.string(),
  key: z.string(),
  sasl: z.object({ mechanism: z.string(), username: z.string() }).nullable(),
  tls: z.union([z.boolean(), z.object({ ca: z.string().optional(), cert: z.string().optional(), rejectUnauthorized: z.boolean().optional(), hasClientKey: z.boolean() })]),
});
export const destinationView = {
  type: endpointType,
  kafka: kafkaView.nullable().describe('The Kafka destination (type `kafka`), without secrets; null for http endpoints'),
  expiresAt: z.string().nullable().describe('A temporary pull endpoint: when it is deleted unless read before (each read of its messages renews it); null: permanent'),
};

/** 422 for what only a pull endpoint has (`expiresInSeconds`) or what it cannot have (`url`, `kafka`). */
export function checkPullFields(type: 'http' | 'kafka' | 'pull', input: { url?: string | undefined; kafka?: unknown; expiresInSeconds?: number | undefined }): void {
  if (type !== 'pull' && input.expiresInSeconds !== undefined) throw validationFailed([{ path: 'expiresInSeconds', message: 'only a pull endpoint expires' }]);
  if (type === 'pull' && input.url !== undefined) throw validationFailed([{ path: 'url', message: 'a pull endpoint has no url: its consumer reads GET /v1/endpoints/{id}/messages' }]);
  if (type === 'pull' && input.kafka !== undefined) throw validationFailed([{ path: 'kafka', message: 'only a kafka endpoint has kafka settings' }]);
}

/** The stored form of a validated destination. */
export function toKafkaDestination(d: KafkaDestinationInput): KafkaDestination {
  return {
    bootstrapServers: d.bootstrapServers,
    topic: d.topic,
    key: d.key ?? 'eventId',
    sasl: d.sasl ?? null,
    tls: d.tls === true ? {} : d.tls ? d.tls : null,
  };
}

/** 422 naming the broker a kafka destination may not reach under the SSRF policy (ALLOW_PRIVATE_TARGETS, TARGET_ALLOWLIST). */
export async function checkBrokers(targets: TargetChecker, d: KafkaDestinationInput): Promise<void> {
  const problems = await Promise.all(
    d.bootstrapServers.map(async (server, i) => {
      const host = server.slice(0, server.lastIndexOf(':')).replace(/^\[|\]$/g, '');
      const problem = await targets.hostProblem(host);
      return problem ? { path: `kafka.bootstrapServers.${i}`, message: problem } : null;
    }),
  );
  const found = problems.filter((p) => p !== null);
  if (found.length > 0) throw validationFailed(found);
}
