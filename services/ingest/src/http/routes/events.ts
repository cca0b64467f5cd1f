import { eventMetadata, eventTypeName, externalId, orderingKey } from '@hookline/contracts';
import { z } from 'zod';
import type { PublishService } from '../../publishing/publish-service.ts';
import type { ApiRoutes } from '../api-routes.ts';
import { appOf, tenantOf } from '../auth.ts';
import { APPLICATION_MOUNTS } from '../mounts.ts';
import { parseQuery } from '../problem.ts';

const eventInput = z.strictObject({
  type: eventTypeName,
  data: z.record(z.string(), z.unknown()),
  id: externalId.optional().describe('Your own event id: unique per tenant; publishing it again returns the first event (200)'),
  metadata: eventMetadata
    .optional()
    .describe('String metadata beside the payload (at most 32 keys of [A-Za-z0-9_-], values up to 1,000 characters): content filters match it as `metadata.<key>`; kept with the event, not sent to endpoints'),
  orderingKey: orderingKey
    .optional()
    .describe('Endpoints with `ordering: "key"` receive the events of one ordering key one at a time, in publish order (1–256 characters, e.g. a customer or order id)'),
});
const batchInput = z.strictObject({ events: z.array(eventInput).min(1).max(1_000) });
const published = z.object({ id: z.string(), type: z.string(), createdAt: z.string() });
const batchPublished = z.object({ data: z.array(z.object({ id: z.string() })) });

const publishQuery = z.object({
  format: z
    .enum(['json', 'registry'])
    .optional()
    .describe("How the events go onto the events topic: json (Hookline's JSON envelope) or registry (registry-framed in the event type's schema format, routing in hookline-* headers). Default: each event type's recordFormat"),
});

const idempotencyKey = (header: string | undefined) => (header === undefined ? undefined : header.trim());

/** Tenant routes: publishing events. */
export function eventRoutes(api: ApiRoutes, publish: PublishService): void {
  for (const { prefix, auth } of APPLICATION_MOUNTS) {
    api.add(
      {
        method: 'post', path: `${prefix}/events`, tag: 'Events', auth, body: eventInput, query: publishQuery,
        summary: 'Publish an event (optional Idempotency-Key header); answers once Kafka acknowledged it',
        responses: {
          202: { description: 'Accepted: acknowledged by Kafka', schema: published },
          200: { description: 'An event with this id was published before: the first event', schema: published },
          409: { description: "The Idempotency-Key is in use by a request still running, or was used with another request; or the schema registry no longer has the event type's schema" },
          429: { description: "Over the tenant's (TENANT_PUBLISH_RATE) or the application's publish rate; Retry-After says when to retry" },
          503: { description: 'Kafka did not acknowledge within PUBLISH_TIMEOUT_MS, or the schema registry holding the Avro or Protobuf schema did not answer (Retry-After)' },
        },
      },
      async (req, res, input) => {
        const { format } = parseQuery(publishQuery, req.query);
        const result = await publish.publishOne(tenantOf(res), appOf(res), input, idempotencyKey(req.get('idempotency-key')), format);
        res.locals.acceptedEvents = result.status === 202 ? 1 : 0;
        res.status(result.status).json(result.body);
      },
    );

    api.add(
      {
        method: 'post', path: `${prefix}/events/batch`, tag: 'Events', auth, body: batchInput, query: publishQuery,
        summary: 'Publish up to 1,000 events at once; validation is all-or-nothing with per-item errors',
        responses: {
          202: { description: 'Accepted: acknowledged by Kafka', schema: batchPublished },
          409: { description: "The Idempotency-Key is in use by a request still running, or was used with another request; or the schema registry no longer has the event type's schema" },
          429: { description: "Over the tenant's (TENANT_PUBLISH_RATE) or the application's publish rate; Retry-After says when to retry" },
          503: { description: 'Kafka did not acknowledge within PUBLISH_TIMEOUT_MS, or the schema registry holding the Avro or Protobuf schema did not answer (Retry-After)' },
        },
      },
      async (req, res, input) => {
        const { format } = parseQuery(publishQuery, req.query);
        const result = await publish.publishBatch(tenantOf(res), appOf(res), input.events, idempotencyKey(req.get('idempotency-key')), format);
        res.locals.acceptedEvents = result.body.data.length;
        res.status(result.status).json(result.body);
      },
    );
  }
}
