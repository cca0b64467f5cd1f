import { eventTypeName, externalId, newId } from '@hookline/contracts';
import { Router } from 'express';
import { z } from 'zod';
import type { EventPublisher } from '../../kafka/event-publisher.ts';
import { tenantOf } from '../auth.ts';
import { parseBody } from '../problem.ts';

const publishEvent = z.object({
  type: eventTypeName,
  data: z.record(z.string(), z.unknown()),
  id: externalId.optional(),
});

/** Tenant routes: publishing events. */
export function eventsRouter(publisher: EventPublisher): Router {
  const router = Router();

  router.post('/v1/events', async (req, res) => {
    const input = parseBody(publishEvent, req.body);
    const event = {
      id: input.id ?? newId('evt'),
      tenantId: tenantOf(res),
      type: input.type,
      data: input.data,
      createdAt: new Date().toISOString(),
    };
    await publisher.publish([event]);
    res.status(202).json({ id: event.id, type: event.type, createdAt: event.createdAt });
  });

  return router;
}
