import { deliveryIdFor, type DeliveryRecord, type EventRecord } from '@hookline/contracts';

/**
 * The delivery record of one event for one endpoint (its first attempt). Built from a decoded JSON envelope, it holds
 * plain JSON values only, so decoding the record's bytes gives it back (up to -0, which JSON writes as 0): the deliver
 * pipeline of the same process is handed this value and does not decode the bytes again.
 */
export function deliveryRecordFor(
  event: EventRecord,
  endpoint: { id: string; applicationId: string },
  at: { eventId: string; createdAt: string; orderingKey: string | undefined },
): DeliveryRecord {
  return {
    deliveryId: deliveryIdFor(at.eventId, endpoint.id),
    eventId: at.eventId,
    tenantId: event.tenantId,
    endpointId: endpoint.id,
    applicationId: endpoint.applicationId,
    ...(event.headers ? { headers: event.headers } : {}),
    type: event.type,
    data: event.data,
    eventCreatedAt: at.createdAt,
    attempt: 0,
    ...(at.orderingKey === undefined ? {} : { orderingKey: at.orderingKey }),
  };
}
