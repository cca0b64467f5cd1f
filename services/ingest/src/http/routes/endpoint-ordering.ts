import type { EndpointsRepository, OrderedDeliveriesRepository } from '@hookline/db';
import { z } from 'zod';
import { notFound } from '../../domain/errors.ts';
import type { ApiRoutes } from '../api-routes.ts';
import { appOf, tenantOf } from '../auth.ts';
import { APPLICATION_MOUNTS } from '../mounts.ts';
import { parseQuery } from '../problem.ts';

/** An endpoint's `ordering`: `key` delivers one ordering key's events one at a time, in publish order; null: concurrently. */
export const endpointOrdering = z
  .enum(['key'])
  .nullable()
  .describe(
    '`key`: the events of one `orderingKey` arrive one at a time, in publish order (a failing event holds back only ' +
      'the later events of its key, through its whole retry schedule; events without an orderingKey are delivered ' +
      'unordered); null (default): concurrent delivery',
  );

/** What a dead delivery does to its key on an ordered endpoint. */
export const orderingOnDead = z
  .enum(['skip', 'block'])
  .describe(
    'On an endpoint with `ordering: "key"`, what a delivery that ends dead does to its key: `skip` (default) lets the ' +
      "key's next event go; `block` keeps the key stopped until the dead delivery is redriven (POST /v1/dead-letters/redrive)",
  );

const blockedKey = z.object({
  orderingKey: z.string(),
  deliveryId: z.string().describe('The dead delivery holding the key: redrive it (POST /v1/dead-letters/redrive) to unblock the key'),
  waiting: z.number().describe('Deliveries of the key waiting behind it'),
  blockedSince: z.string(),
});
const blockedQuery = z.object({ limit: z.coerce.number().int().min(1).max(250).default(50) });

/**
 * `GET …/endpoints/{id}/blocked-keys`: the ordering keys of an endpoint with `orderingOnDead: "block"` that a dead
 * delivery stopped, oldest first, with how many deliveries wait behind each.
 */
export function endpointOrderingRoutes(api: ApiRoutes, deps: { endpoints: EndpointsRepository; ordered: OrderedDeliveriesRepository }): void {
  for (const { prefix, auth } of APPLICATION_MOUNTS) {
    api.add(
      {
        method: 'get', path: `${prefix}/endpoints/:id/blocked-keys`, tag: 'Endpoints', auth, query: blockedQuery,
        summary: 'List the ordering keys a dead delivery stopped (ordering "key" with orderingOnDead "block"); redriving the dead delivery unblocks its key',
        responses: { 200: { description: 'The blocked keys, oldest first', schema: z.object({ data: z.array(blockedKey) }) } },
      },
      async (req, res) => {
        const q = parseQuery(blockedQuery, req.query);
        const endpoint = await deps.endpoints.get(tenantOf(res), String(req.params.id), appOf(res).id);
        if (!endpoint) throw notFound('endpoint');
        const blocked = await deps.ordered.blocked(endpoint.id, q.limit);
        res.json({ data: blocked.map((b) => ({ ...b, blockedSince: b.blockedSince.toISOString() })) });
      },
    );
  }
}
