import { compileFilter, eventMetadata, eventTypeName, externalId, FILTER_FIELDS } from '@hookline/contracts';
import type { EndpointsRepository } from '@hookline/db';
import { z } from 'zod';
import { notFound, validationFailed } from '../../domain/errors.ts';
import type { ApiRoutes } from '../api-routes.ts';
import { appOf, tenantOf } from '../auth.ts';
import { APPLICATION_MOUNTS } from '../mounts.ts';

/**
 * An endpoint's content filter on create and update (`null` clears it): validated with the dispatcher's own compiler,
 * so what is saved is what fan-out runs; a problem is named by its path (`filter.data.amount.$gt`).
 */
export const filterField = z
  .record(z.string(), z.unknown())
  .nullable()
  .superRefine((filter, ctx) => {
    if (filter === null) return;
    const compiled = compileFilter(filter);
    if (!compiled.ok) ctx.addIssue({ code: 'custom', message: compiled.problem.message, path: compiled.problem.path ? [compiled.problem.path] : [] });
  })
  .describe(
    `Only events matching this filter are delivered (docs/filters.md): an object of conditions on ${FILTER_FIELDS.join(', ')} ` +
      'with dotted paths (`data.amount`), equality, $eq $ne $in $nin $exists $gt $gte $lt $lte $regex ($options "i"), ' +
      '$and $or $not; a condition on an array matches when an element does. null: no filter (every event of its types).',
  )
  .meta({ examples: [{ type: { $in: ['invoice.paid'] }, 'data.amount': { $gt: 100 } }] });

/** An event as published (what fan-out gives a filter). */
const testEvent = z.strictObject({
  type: eventTypeName,
  data: z.record(z.string(), z.unknown()),
  id: externalId.optional(),
  createdAt: z.iso.datetime({ offset: true }).optional(),
  metadata: eventMetadata.optional().describe("The event's metadata, as published"),
  headers: z.record(z.string(), z.string()).optional().describe('Forwarded headers, as on the events of an inbound source'),
});
const testBody = z.strictObject({
  event: testEvent,
  filter: filterField.optional().describe("A filter to try instead of the endpoint's saved one (null: none)"),
});
const testAnswer = z.object({
  matches: z.boolean().describe("Whether the filter lets the event through (the endpoint's event types are not considered)"),
});

/** `POST …/endpoints/{id}/filter/test`: whether an event passes an endpoint's filter, or a filter not saved yet. */
export function endpointFilterRoutes(api: ApiRoutes, deps: { endpoints: EndpointsRepository }): void {
  for (const { prefix, auth } of APPLICATION_MOUNTS) {
    api.add(
      {
        method: 'post', path: `${prefix}/endpoints/:id/filter/test`, tag: 'Endpoints', auth, body: testBody,
        summary: "Test an event against the endpoint's content filter (or against `filter`, not saved)",
        responses: { 200: { description: 'Whether the event matches (true when there is no filter)', schema: testAnswer } },
      },
      async (req, res, body) => {
        const endpoint = await deps.endpoints.get(tenantOf(res), String(req.params.id), appOf(res).id);
        if (!endpoint) throw notFound('endpoint');
        const filter = body.filter === undefined ? endpoint.filter : body.filter;
        if (filter === null) {
          res.json({ matches: true });
          return;
        }
        const compiled = compileFilter(filter);
        // A saved filter always compiles (it was validated on save); this guards one saved by an older rule set.
        if (!compiled.ok) throw validationFailed([{ path: ['filter', compiled.problem.path].filter(Boolean).join('.'), message: compiled.problem.message }]);
        res.json({ matches: compiled.match(body.event) });
      },
    );
  }
}
