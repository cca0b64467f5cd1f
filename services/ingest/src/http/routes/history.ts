import { eventTypeName } from '@hookline/contracts';
import type { Response } from 'express';
import type { AttemptRow, AttemptsRepository, DeliveriesRepository, EndpointsRepository, EventsRepository } from '@hookline/db';
import { z } from 'zod';
import { notFound, validationFailed } from '../../domain/errors.ts';
import type { RequeueRunner } from '../../requeue/requeue-runner.ts';
import type { ApiRoutes } from '../api-routes.ts';
import type { ApplicationResolver } from '../../applications/application-resolver.ts';
import { tenantOf } from '../auth.ts';
import { pageOf } from '../pagination.ts';
import { parseQuery } from '../problem.ts';
import { jobView, requeueStarted } from './jobs.ts';

const listEventsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(250).default(50),
  cursor: z.string().max(500).optional(),
  type: eventTypeName.optional().describe('Only events of this type'),
  after: z.iso.datetime({ offset: true }).optional().describe('Only events created at or after this time'),
  before: z.iso.datetime({ offset: true }).optional().describe('Only events created before this time'),
  status: z.enum(['pending', 'retrying', 'succeeded', 'failed', 'dead']).optional().describe('Only events with a delivery in this state'),
  endpointId: z.string().min(1).max(128).optional().describe('Only events with a delivery to this endpoint'),
});
const tenantEventsQuery = listEventsQuery.extend({
  application: z.string().min(1).max(128).optional().describe("Only this application's events (its id or uid)"),
});
const deliveryStatus = z.enum(['pending', 'retrying', 'succeeded', 'failed', 'dead']);
const eventView = z.object({
  id: z.string(),
  applicationId: z.string().nullable(),
  type: z.string(),
  data: z.record(z.string(), z.unknown()),
  metadata: z.record(z.string(), z.string()).optional().describe('The metadata the event was published with (absent: none)'),
  createdAt: z.string(),
});
const eventWithDeliveries = eventView.extend({
  deliveries: z.array(
    z.object({
      id: z.string(),
      endpointId: z.string(),
      status: deliveryStatus,
      attempts: z.number(),
      lastStatusCode: z.number().nullable(),
      lastError: z.string().nullable(),
      lastAttemptAt: z.string().nullable(),
      nextAttemptAt: z.string().nullable(),
    }),
  ),
});
const attemptView = z.object({
  id: z.string(),
  deliveryId: z.string(),
  endpointId: z.string(),
  attempt: z.number(),
  outcome: z.string(),
  statusCode: z.number().nullable(),
  durationMs: z.number(),
  error: z.string().nullable(),
  responseBody: z.string().nullable(),
  nextAttemptAt: z.string().nullable(),
  createdAt: z.string(),
});
const replayBody = z.strictObject({ endpointId: z.string().min(1).optional() });

const toAttempt = (a: AttemptRow) => ({
  id: a.id,
  deliveryId: a.delivery_id,
  endpointId: a.endpoint_id,
  attempt: a.attempt,
  outcome: a.outcome,
  statusCode: a.status_code,
  durationMs: a.duration_ms,
  error: a.error,
  responseBody: a.response_body,
  nextAttemptAt: a.next_attempt_at?.toISOString() ?? null,
  createdAt: a.created_at.toISOString(),
});

/** A repository's RangeError for a cursor that is not one of ours becomes a 422 naming the parameter. */
export async function withCursor<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    if (err instanceof RangeError) throw validationFailed([{ path: 'cursor', message: 'is not a cursor this API issued' }], 'the query parameters are invalid');
    throw err;
  }
}

/**
 * The application id a tenant-level route is narrowed to by `?application=` (id or uid). A list asked for an
 * application the tenant does not have is empty (`missing: 'empty'`: an id no application has is used); an action on one is a 404 (`missing: '404'`).
 */
export async function applicationFilter(
  apps: ApplicationResolver,
  tenantId: string,
  ref: string | undefined,
  missing: 'empty' | '404' = 'empty',
): Promise<string | undefined> {
  if (ref === undefined) return undefined;
  const app = await apps.find(tenantId, ref);
  if (app) return app.id;
  if (missing === '404') throw notFound('application');
  return `~${ref}`;
}

/**
 * What happened to events (as the tracker recorded it), and replaying them: across the tenant's applications under
 * `/v1/events` (`?application=` narrows it), and one application's under `/v1/applications/{app}/events` (with a
 * tenant API key or that application's portal token).
 */
export function historyRoutes(
  api: ApiRoutes,
  deps: {
    events: EventsRepository;
    deliveries: DeliveriesRepository;
    attempts: AttemptsRepository;
    endpoints: EndpointsRepository;
    requeue: RequeueRunner;
    applications: ApplicationResolver;
  },
): void {
  const mounts = [
    { prefix: '/v1', auth: 'tenant' as const, query: tenantEventsQuery, summary: "List the tenant's events across its applications, newest first (as recorded by the tracker)" },
    { prefix: '/v1/applications/:app', auth: 'app' as const, query: listEventsQuery, summary: "List the application's events, newest first (as recorded by the tracker)" },
  ];
  /** The application a request is narrowed to: the path's, or `?application=` on tenant-level routes. */
  const scopeOf = async (res: Response, ref?: string): Promise<string | undefined> =>
    (res.locals.application as { id: string } | undefined)?.id ?? applicationFilter(deps.applications, tenantOf(res), ref);

  for (const { prefix, auth, query, summary } of mounts) {
    api.add(
      { method: 'get', path: `${prefix}/events`, tag: 'Events', auth, query, summary, responses: { 200: { description: 'A page of events', schema: pageOf(eventView) } } },
      async (req, res) => {
        const q: z.output<typeof tenantEventsQuery> = parseQuery(query, req.query);
        const applicationId = await scopeOf(res, q.application);
        const page = await withCursor(() =>
          deps.events.list(tenantOf(res), {
            limit: q.limit,
            cursor: q.cursor,
            since: q.after ? new Date(q.after) : undefined,
            until: q.before ? new Date(q.before) : undefined,
            types: q.type ? [q.type] : undefined,
            applicationId,
            statuses: q.status ? [q.status] : undefined,
            endpointId: q.endpointId,
          }),
        );
        res.json({
          data: page.data.map((e) => ({ id: e.id, applicationId: e.applicationId, type: e.type, data: e.data, ...(e.metadata ? { metadata: e.metadata } : {}), createdAt: e.createdAt.toISOString() })),
          nextCursor: page.nextCursor,
        });
      },
    );

    api.add(
      {
        method: 'get', path: `${prefix}/events/:id`, tag: 'Events', auth,
        summary: 'Get an event with the state of its delivery to each endpoint',
        responses: { 200: { description: 'The event and its deliveries', schema: eventWithDeliveries } },
      },
      async (req, res) => {
        const tenantId = tenantOf(res);
        const id = String(req.params.id);
        const applicationId = await scopeOf(res);
        const [event, deliveries] = await Promise.all([deps.events.get(tenantId, id, applicationId), deps.deliveries.forEvent(tenantId, id)]);
        if (!event) throw notFound('event');
        res.json({
          id: event.id,
          applicationId: event.applicationId,
          type: event.type,
          data: event.data,
          ...(event.metadata ? { metadata: event.metadata } : {}),
          createdAt: event.createdAt.toISOString(),
          deliveries: deliveries.map((d) => ({
            id: d.id,
            endpointId: d.endpointId,
            status: d.status,
            attempts: d.attempts,
            lastStatusCode: d.lastStatusCode,
            lastError: d.lastError,
            lastAttemptAt: d.lastAttemptAt?.toISOString() ?? null,
            nextAttemptAt: d.nextAttemptAt?.toISOString() ?? null,
          })),
        });
      },
    );

    api.add(
      {
        method: 'get', path: `${prefix}/events/:id/attempts`, tag: 'Events', auth,
        summary: 'Every delivery attempt of an event: what was answered and when the next try is',
        responses: { 200: { description: 'The attempts, oldest first', schema: z.object({ data: z.array(attemptView) }) } },
      },
      async (req, res) => {
        const tenantId = tenantOf(res);
        const id = String(req.params.id);
        const applicationId = await scopeOf(res);
        const [event, attempts] = await Promise.all([deps.events.get(tenantId, id, applicationId), deps.attempts.forEvent(tenantId, id, applicationId)]);
        if (!event && attempts.length === 0) throw notFound('event');
        res.json({ data: attempts.map(toAttempt) });
      },
    );

    api.add(
      {
        method: 'post', path: `${prefix}/events/:id/replay`, tag: 'Events', auth, body: replayBody,
        summary: 'Re-deliver an event (to one endpoint or all it went to), with the same webhook-id',
        responses: { 202: { description: 'The replay job', schema: requeueStarted('replayed') } },
      },
      async (req, res, body) => {
        const tenantId = tenantOf(res);
        const eventId = String(req.params.id);
        const applicationId = await scopeOf(res);
        if (!(await deps.events.get(tenantId, eventId, applicationId))) throw notFound('event');
        if (body.endpointId && !(await deps.endpoints.get(tenantId, body.endpointId, applicationId))) throw notFound('endpoint');
        const { job } = await deps.requeue.begin(tenantId, 'replay', {
          eventId,
          ...(applicationId ? { applicationId } : {}),
          ...(body.endpointId ? { endpointId: body.endpointId } : {}),
        });
        res.status(202).json({ replayed: job.total, job: jobView(job) });
      },
    );
  }
}
